"""Units, assets and manual pairing use cases on the in-memory storage: refusals and their events."""

from __future__ import annotations

import pytest

from pairhub.domain.errors import Conflict, Invalid, NotFound
from pairhub.domain.events import EventType, Reason
from pairhub.domain.model import AutoPairingState as S
from pairhub.services.assets import AssetChanges
from pairhub.services.ingest import UnitMessage
from tests.handlers.conftest import Hub

VIN = "1HGCM82633A000001"


def test_a_unit_is_provisioned_once_with_a_valid_id_and_deleted_while_unpaired(hub: Hub) -> None:
    org, off = hub.org(), hub.org(auto_pairing=False)

    assert hub.units.provision(org, "tp:1").state is S.IDLE
    assert hub.units.provision(off, "tp:2").state is S.DISABLED
    with pytest.raises(Conflict) as exists:
        hub.units.provision(off, "tp:1")
    with pytest.raises(Invalid):
        hub.units.provision(org, "TP 1")
    with pytest.raises(NotFound):
        hub.units.provision("no-such-org", "tp:3")
    hub.units.delete(org, "tp:1")

    assert exists.value.code == "unit_exists"
    assert [unit.id for unit in hub.units.list(org).items] == []
    with pytest.raises(NotFound):
        hub.units.get(off, "tp:1")


def test_assets_normalize_validate_and_keep_vins_unique(hub: Hub) -> None:
    org = hub.org()
    created = hub.assets.create(org, " 1hgcm8263-3a000001 ", "Reefer")

    with pytest.raises(Conflict) as duplicate:
        hub.assets.create(org, VIN, None)
    with pytest.raises(Invalid):
        hub.assets.create(org, "1HGCM82633A00000I", None)
    other = hub.asset(org, None, "Spare")
    with pytest.raises(Conflict):
        hub.assets.update(org, other, AssetChanges(vin=VIN, vin_given=True))
    renamed = hub.assets.update(org, other, AssetChanges(name="Spare 2", name_given=True))

    assert created.asset.vin == VIN
    assert duplicate.value.code == "duplicate_vin"
    assert (renamed.asset.name, renamed.asset.vin) == ("Spare 2", None)
    assert [view.asset.id for view in hub.assets.list(org, search="spare").items] == [other]


def test_bulk_create_reports_each_item(hub: Hub) -> None:
    org = hub.org()
    hub.asset(org, VIN)
    spare = hub.assets.create(org, None, "spare").asset.id

    outcomes = hub.assets.create_many(
        org,
        [
            (VIN, "again"),
            ("WDB9634031L738192", None),
            (None, "x"),
            ("bad", None),
            ("WDB9634031L738192", None),
            (None, "x"),
            (None, None),
            (None, "spare"),
            ("1HGCM82633A000002", "spare"),
        ],
    )

    assert [(o.status, o.code) for o in outcomes] == [
        ("exists", None),
        ("created", None),
        ("created", None),
        ("refused", "invalid_vin"),
        ("refused", "duplicate_vin"),
        ("refused", "duplicate_name"),
        ("refused", "missing_vin_and_name"),
        ("exists", None),
        ("created", None),
    ]
    assert outcomes[7].asset_id == spare
    assert hub.assets.get(org, outcomes[2].asset_id or "").asset.vin is None


def test_pair_unpair_and_their_refusals(hub: Hub) -> None:
    org, stranger = hub.org(), hub.org()
    asset = hub.asset(org, VIN)
    second = hub.asset(org, None)
    foreign = hub.asset(stranger, None)
    hub.units.provision(org, "tp:1")

    with pytest.raises(Conflict) as not_paired:
        hub.pairing.unpair(org, "tp:1")
    with pytest.raises(NotFound):
        hub.pairing.pair(org, "tp:1", foreign)
    assert hub.pairing.pair(org, "tp:1", asset).created
    assert not hub.pairing.pair(org, "tp:1", asset).created
    with pytest.raises(Conflict) as elsewhere:
        hub.pairing.pair(org, "tp:1", second)
    with pytest.raises(Conflict) as in_use:
        hub.assets.delete(org, asset)
    with pytest.raises(Conflict) as paired_unit:
        hub.units.delete(org, "tp:1")
    assert hub.assets.get(org, asset).unit_ids == ("tp:1",)
    assert [unit.id for unit in hub.pairing.snapshot(org, None, 10).items] == ["tp:1"]
    entry = hub.pairing.unpair(org, "tp:1", via="ui")
    hub.assets.delete(org, asset)

    assert (not_paired.value.code, elsewhere.value.code) == ("unit_not_paired", "unit_already_paired")
    assert elsewhere.value.extra == {"assetId": asset}
    assert (in_use.value.code, paired_unit.value.code) == ("asset_has_paired_units", "unit_is_paired")
    assert (entry.paired_by, entry.paired_via) == ("ManualPair", "api")
    assert (entry.unpaired_by, entry.unpaired_via) == ("ManualUnpair", "ui")
    assert [(e.event_type, e.reason, e.asset_vin) for e in hub.events(org)] == [
        (EventType.PAIRED, Reason.MANUAL_PAIR, VIN),
        (EventType.UNPAIRED, None, VIN),
    ]
    assert hub.unit(org, "tp:1").state is S.SUPPRESSED
    assert hub.pairing.snapshot(org, None, 10).items == []


def test_a_manual_pair_ends_pending_reminders(hub: Hub) -> None:
    org = hub.org()
    hub.units.provision(org, "tp:1")
    hub.send("tp:1", VIN)
    asset = hub.asset(org, None)

    hub.pairing.pair(org, "tp:1", asset)
    hub.remind_for(hours=3)

    assert hub.reasons(org) == ["NotFound", "ManualPair"]
    assert hub.unit(org, "tp:1").next_reminder_at is None


def test_unknown_units_and_future_timestamps_are_refused_one_by_one(hub: Hub) -> None:
    org = hub.org()
    hub.units.provision(org, "tp:1")
    future = hub.clock.now_ms() + 10 * 60 * 1000

    result = hub.ingest.accept(
        [UnitMessage(0, "tp:1"), UnitMessage(1, "tp:404"), UnitMessage(2, "tp:1", timestamp_ms=future)]
    )
    assert hub.ingest.flush() == 1

    assert result.accepted == 1
    assert [(r.index, r.code) for r in result.rejected] == [(1, "unknown_unit"), (2, "invalid_timestamp")]
    assert hub.unit(org, "tp:1").last_seen_at == hub.clock.now_ms()
