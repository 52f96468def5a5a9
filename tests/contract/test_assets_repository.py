"""The assets repository contract, VIN lookups included: the same assertions on every backend."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pairhub.adapters.sql import search as sql_search
from pairhub.domain.assets import Asset
from pairhub.domain.model import AutoPairingState as S
from pairhub.domain.organizations import Organization
from pairhub.domain.units import Unit
from pairhub.ports import Storage

VIN = "1HGCM82633A000001"
TYPO = "1HGCM82633B000001"
OTHER = "WDB9634031L738192"


def asset(org: Organization, asset_id: str, vin: str | None, name: str | None = None) -> Asset:
    return Asset(asset_id, org.id, vin, name, 1, 2)


def test_assets_round_trip_and_vins_stay_unique(storage: Storage, organization: Organization) -> None:
    first = asset(organization, "a1", VIN, "Reefer 12")
    with storage.write() as uow:
        assert uow.assets.add(first)
        assert not uow.assets.add(asset(organization, "a2", VIN))
        assert uow.assets.add(asset(organization, "a3", None))
        assert uow.assets.add(asset(organization, "a4", None))
        uow.assets.add_many([asset(organization, "a5", OTHER)])
    with storage.write() as uow:
        assert not uow.assets.save(replace(first, id="a5", vin=VIN))
        assert uow.assets.save(replace(first, name="Reefer 13", updated_at=3))
        uow.assets.delete("a4")
    with storage.read() as uow:
        assert uow.assets.get(organization.id, "a1") == replace(first, name="Reefer 13", updated_at=3)
        assert uow.assets.get("other", "a1") is None
        assert uow.assets.get(organization.id, "a4") is None
        assert uow.assets.by_vins(organization.id, [VIN, OTHER, TYPO]) == {
            VIN: replace(first, name="Reefer 13", updated_at=3),
            OTHER: asset(organization, "a5", OTHER),
        }
        assert uow.assets.by_vins("other", [VIN]) == {}


def test_match_candidates_of_many_vins_include_every_exact_p1_and_p2_hit(
    storage: Storage, organization: Organization
) -> None:
    with storage.write() as uow:
        uow.assets.add_many(
            [
                asset(organization, "a1", VIN),
                asset(organization, "a2", OTHER),
                asset(organization, "a3", None),
                asset(organization, "a4", "2HGCM82633A000001"),  # one typo from VIN, and ends like it
            ]
        )
    sensors = [VIN, VIN[-9:], TYPO, OTHER[-6:], "XLRTE47MS0G654321", "LRTE47", "ABC12", VIN + "X"]
    with storage.read() as uow:
        found = uow.assets.match_candidates(organization.id, sensors)
        elsewhere = uow.assets.match_candidates("other", [VIN, VIN[-9:], TYPO])
        alone = uow.assets.match_candidates(organization.id, [TYPO])
    # Every VIN asked is a key; a superset is allowed (the domain re-checks), the true hits must be there.
    assert set(found) == set(sensors)
    assert {"a1": VIN, "a4": "2HGCM82633A000001"}.items() <= dict(found[VIN]).items()
    assert {"a1", "a4"} <= {asset_id for asset_id, _ in found[VIN[-9:]]}
    assert dict(found[TYPO]).get("a1") == VIN
    assert dict(found[OTHER[-6:]]).get("a2") == OTHER
    assert "a2" not in dict(found[VIN]) and "a2" not in dict(found[VIN[-9:]])
    assert found["XLRTE47MS0G654321"] == found["LRTE47"] == found["ABC12"] == found[VIN + "X"] == []
    assert elsewhere == {VIN: [], VIN[-9:]: [], TYPO: []}
    assert dict(alone[TYPO]) == dict(found[TYPO])


def test_match_candidates_of_more_vins_than_one_statement_takes(
    storage: Storage, organization: Organization
) -> None:
    fleet = [f"VF1RFB00{n:09d}" for n in range(1, 601)]
    with storage.write() as uow:
        uow.assets.add_many([asset(organization, f"a{n}", vin) for n, vin in enumerate(fleet)])
    sensors = [vin[-9:] for vin in fleet[:300]] + [vin[:3] + "X" + vin[4:] for vin in fleet[300:]]
    with storage.read() as uow:
        found = uow.assets.match_candidates(organization.id, sensors)
    assert set(found) == set(sensors)
    for n, sensor in enumerate(sensors):
        assert (f"a{n}", fleet[n]) in found[sensor]


def test_search_filters_by_vin_text_pairing_and_pages(storage: Storage, organization: Organization) -> None:
    with storage.write() as uow:
        uow.assets.add_many(
            [
                asset(organization, "a1", VIN, "Reefer 100%"),
                asset(organization, "a2", OTHER, "Tanker"),
                asset(organization, "a3", None, "reefer spare"),
            ]
        )
        uow.units.add(Unit("tp:1", organization.id, 0, S.PAIRED, asset_id="a2", paired_at=1))
    with storage.read() as uow:
        search = uow.assets.search
        assert [a.id for a in search(organization.id, VIN, None, None, None, 10)] == ["a1"]
        assert [a.id for a in search(organization.id, None, True, None, None, 10)] == ["a2"]
        assert [a.id for a in search(organization.id, None, False, None, None, 10)] == ["a1", "a3"]
        assert [a.id for a in search(organization.id, None, None, "REEFER", None, 10)] == ["a1", "a3"]
        assert [a.id for a in search(organization.id, None, None, "100%", None, 10)] == ["a1"]
        assert [a.id for a in search(organization.id, None, None, "l738", None, 10)] == ["a2"]
        assert [a.id for a in search(organization.id, None, None, None, "a1", 1)] == ["a2"]
        assert search("other", None, None, None, None, 10) == []


def test_assets_without_vin_are_found_by_name(storage: Storage, organization: Organization) -> None:
    with storage.write() as uow:
        uow.assets.add_many(
            [
                asset(organization, "a2", None, "Reefer"),
                asset(organization, "a1", None, "Reefer"),
                asset(organization, "a3", VIN, "Tanker"),
                asset(organization, "a4", None, "Flatbed"),
            ]
        )
    with storage.read() as uow:
        found = uow.assets.without_vin_by_names(organization.id, ["Reefer", "Tanker", "Missing"])
        assert {name: record.id for name, record in found.items()} == {"Reefer": "a1"}
        assert uow.assets.without_vin_by_names("other", ["Reefer"]) == {}
        assert uow.assets.without_vin_by_names(organization.id, []) == {}


def test_common_and_rare_fragments_find_the_same_rows_in_order(
    storage: Storage, organization: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three candidates at most: "trailer" (eight matches) takes the ordered walk, the rest the list.
    monkeypatch.setattr(sql_search, "CANDIDATES", 3)
    other = Organization("00000000-0000-0000-0000-000000000002", "Other", True, True, 10)
    names = [f"Trailer {n}" for n in range(8)]
    with storage.write() as uow:
        uow.organizations.add(other)
        uow.assets.add_many([asset(organization, f"a{n}", None, name) for n, name in enumerate(names)])
        uow.assets.add_many([asset(organization, "b1", VIN, "Reefer"), asset(organization, "b2", OTHER)])
        # Another organization's many "reefer" matches must neither show nor fill the candidates.
        uow.assets.add_many([asset(other, f"o{n}", None, f"REEFER {n}") for n in range(6)])
    with storage.read() as uow:
        search, count = uow.assets.search, uow.assets.count
        assert [a.id for a in search(organization.id, None, None, "TRAILER", None, 3)] == ["a0", "a1", "a2"]
        assert [a.id for a in search(organization.id, None, None, "railer", "a2", 3)] == ["a3", "a4", "a5"]
        assert [a.id for a in search(organization.id, None, None, "reefer", None, 10)] == ["b1"]
        assert [a.id for a in search(organization.id, None, None, "reef", "b1", 10)] == []
        assert [a.id for a in search(organization.id, None, None, "l73819", None, 10)] == ["b2"]
        assert [a.id for a in search(organization.id, None, None, "er 7", None, 10)] == ["a7"]
        assert [a.id for a in search(organization.id, None, None, "7", None, 10)] == ["a7", "b2"]
        assert [a.id for a in search(other.id, None, None, "reefer 5", None, 10)] == ["o5"]
        assert count(organization.id, None, "trailer") == 8
        assert count(organization.id, None, "trailer", 5) == 6  # past `most`: most + 1
        assert count(organization.id, None, "reefer", 5) == 1
        assert count(organization.id, None, "zz", 5) == 0
        assert count(other.id, None, "reefer") == 6


def test_a_count_after_a_search_and_a_write_sees_the_write(
    storage: Storage, organization: Organization
) -> None:
    with storage.write() as uow:
        uow.assets.add(asset(organization, "a1", None, "Reefer 1"))
        assert [a.id for a in uow.assets.search(organization.id, None, None, "reefer", None, 10)] == ["a1"]
        uow.assets.add(asset(organization, "a2", None, "Reefer 2"))
        assert uow.assets.count(organization.id, None, "reefer") == 2
        uow.assets.delete("a1")
        assert uow.assets.count(organization.id, None, "reefer") == 1
        assert uow.assets.count(organization.id, True, "reefer") == 0
