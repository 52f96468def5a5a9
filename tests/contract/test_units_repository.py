"""The units repository contract: the same assertions on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from pairhub.domain.assets import Asset
from pairhub.domain.events import Location
from pairhub.domain.model import AutoPairingState as S
from pairhub.domain.organizations import Organization
from pairhub.domain.units import Activity, Unit, standing_of
from pairhub.domain.vin import ReportedVin
from pairhub.ports import Storage

VIN = "1HGCM82633A000001"


def unit(org: Organization, unit_id: str, **changes: object) -> Unit:
    return replace(Unit(unit_id, org.id, 5, S.IDLE), **changes)  # type: ignore[arg-type]


def an_asset(storage: Storage, org: Organization, asset_id: str = "a1") -> Asset:
    asset = Asset(asset_id, org.id, None, "Trailer", 1, 1)
    with storage.write() as uow:
        assert uow.assets.add(asset)
    return asset


def test_a_unit_round_trips_every_field(storage: Storage, organization: Organization) -> None:
    asset = an_asset(storage, organization)
    full = unit(
        organization,
        "tp:1",
        state=S.MULTIPLE_MATCH_FOUND,
        attempted_vin=VIN,
        sensor_vin=VIN,
        candidates=("a", "b"),
        first_failed_at=7,
        reminders_sent=3,
        next_reminder_at=9,
        retry_after=11,
        last_seen_at=12,
        last_vin_raw=" 1hgcm82633a000001",
        last_vin=VIN,
        last_location=Location(50.5, 2.25),
    )
    paired = unit(organization, "tp:2", asset_id=asset.id, paired_at=8, state=S.PAIRED)
    with storage.write() as uow:
        assert uow.units.add(full)
        assert uow.units.add(paired)
        assert not uow.units.add(replace(full, organization_id="other"))
    with storage.read() as uow:
        assert uow.units.get(organization.id, "tp:1") == full
        assert uow.units.get(organization.id, "tp:2") == paired
        assert uow.units.get("other", "tp:1") is None
        assert uow.units.with_switch(["tp:1", "tp:9"]) == {"tp:1": (standing_of(full), True)}
        assert uow.units.ids_by_asset([asset.id, "nothing"]) == {asset.id: ("tp:2",)}


def test_save_many_and_delete(storage: Storage, organization: Organization) -> None:
    with storage.write() as uow:
        for unit_id in ("tp:1", "tp:2", "tp:3"):
            uow.units.add(unit(organization, unit_id))
    with storage.write() as uow:
        locked = uow.units.lock_many(["tp:3", "tp:1", "tp:404"])
        assert list(locked) == ["tp:1", "tp:3"]
        uow.units.save_many([replace(u, state=S.DISABLED) for u in locked.values()])
        uow.units.delete("tp:2")
    with storage.read() as uow:
        found = uow.units.search(organization.id, None, None, None, 10)
        assert [(u.id, u.state) for u in found] == [("tp:1", S.DISABLED), ("tp:3", S.DISABLED)]


def test_search_filters_and_pages(storage: Storage, organization: Organization) -> None:
    asset = an_asset(storage, organization)
    with storage.write() as uow:
        uow.units.add(unit(organization, "tp:1", state=S.NOT_FOUND))
        uow.units.add(unit(organization, "tp:2", asset_id=asset.id, paired_at=1, state=S.PAIRED))
        uow.units.add(unit(organization, "tp:3", state=S.NOT_FOUND))
    with storage.read() as uow:
        search = uow.units.search
        assert [u.id for u in search(organization.id, True, None, None, 10)] == ["tp:2"]
        assert [u.id for u in search(organization.id, False, None, None, 10)] == ["tp:1", "tp:3"]
        assert [u.id for u in search(organization.id, None, "notFound", "tp:1", 10)] == ["tp:3"]
        assert [u.id for u in search(organization.id, None, None, None, 2)] == ["tp:1", "tp:2"]
        assert search("other", None, None, None, 10) == []
        assert [u.id for u in uow.units.lock_unpaired(organization.id)] == ["tp:1", "tp:3"]


def test_due_reminders_are_claimed_oldest_slot_first(storage: Storage, organization: Organization) -> None:
    with storage.write() as uow:
        uow.units.add(unit(organization, "tp:1", state=S.NOT_FOUND, next_reminder_at=30))
        uow.units.add(unit(organization, "tp:2", state=S.NOT_FOUND, next_reminder_at=20))
        uow.units.add(unit(organization, "tp:3", state=S.MULTIPLE_MATCH_FOUND))
        uow.units.add(unit(organization, "tp:4", state=S.INVALID_DATA))
    with storage.read() as uow:
        assert not uow.units.any_due(19)
        assert uow.units.any_due(20)
    with storage.write() as uow:
        assert [u.id for u in uow.units.claim_due(30, 10)] == ["tp:2", "tp:1"]
        assert [u.id for u in uow.units.claim_due(30, 1)] == ["tp:2"]
        assert [u.id for u in uow.units.lock_waiting(organization.id)] == ["tp:1", "tp:2", "tp:3"]


def test_recorded_activity_keeps_what_was_not_reported(storage: Storage, organization: Organization) -> None:
    with storage.write() as uow:
        uow.units.add(unit(organization, "tp:1", last_seen_at=100, last_location=Location(1.0, 2.0)))
        uow.units.add(unit(organization, "tp:2"))
    with storage.write() as uow:
        uow.units.record_activity(
            {
                "tp:1": Activity(50, ReportedVin.of(" f3a-000001 ")),
                "tp:2": Activity(70, None, Location(3.0, 4.0)),
            }
        )
    with storage.read() as uow:
        first = uow.units.get(organization.id, "tp:1")
        second = uow.units.get(organization.id, "tp:2")
    assert first is not None and second is not None
    assert (first.last_seen_at, first.last_vin_raw, first.last_vin) == (100, " f3a-000001 ", "F3A000001")
    assert first.last_location == Location(1.0, 2.0)
    assert (second.last_seen_at, second.last_vin, second.last_location) == (70, None, Location(3.0, 4.0))


def test_a_failed_savepoint_undoes_only_its_own_writes(storage: Storage, organization: Organization) -> None:
    with storage.write() as uow:
        uow.units.add(unit(organization, "tp:1"))
        try:
            with uow.savepoint():
                uow.units.save(unit(organization, "tp:1", state=S.NOT_FOUND))
                raise RuntimeError("lookup failed")
        except RuntimeError:
            pass
        uow.units.add(unit(organization, "tp:2"))
    with storage.read() as uow:
        assert [(u.id, u.state) for u in uow.units.search(organization.id, None, None, None, 10)] == [
            ("tp:1", S.IDLE),
            ("tp:2", S.IDLE),
        ]
