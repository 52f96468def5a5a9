"""Every auto-pairing outcome and when attempts happen, on the in-memory storage."""

from __future__ import annotations

from typing import Any

import pytest

from pairhub.domain import units as unit_rules
from pairhub.domain.events import EventType, Location, Reason
from pairhub.domain.model import AutoPairingState as S
from pairhub.domain.units import MessageAction, Unit
from pairhub.domain.vin import ReportedVin
from pairhub.services import ingest as ingest_module
from pairhub.services.assets import AssetChanges
from pairhub.services.ingest import UnitMessage
from tests.handlers.conftest import HOUR, Hub

VIN = "1HGCM82633A000001"
HERE = Location(50.869, 2.8942)


def test_an_exact_vin_pairs_with_location_and_history(hub: Hub) -> None:
    org = hub.org()
    asset = hub.asset(org, VIN)
    hub.units.provision(org, "tp:1")

    assert hub.send("tp:1", VIN.lower(), HERE).accepted == 1

    [event] = hub.events(org)
    assert (event.reason, event.asset_id, event.asset_vin, event.sensor_vin) == (
        Reason.AUTO_PAIR,
        asset,
        VIN,
        VIN,
    )
    assert event.location == HERE
    unit = hub.unit(org, "tp:1")
    assert (unit.asset_id, unit.state, unit.last_location) == (asset, S.PAIRED, HERE)
    [entry] = hub.pairing.history(org, "tp:1", None, 10).items
    assert (entry.paired_by, entry.paired_via) == ("AutoPair", "auto")


def test_a_truncated_vin_pairs_by_its_tail_and_a_typo_by_its_serial(hub: Hub) -> None:
    org = hub.org()
    truncated = hub.asset(org, VIN)
    typo = hub.asset(org, "WDB9634031L738192")
    hub.units.provision(org, "tp:1")
    hub.units.provision(org, "tp:2")

    hub.send("tp:1", VIN[-9:])
    hub.send("tp:2", "WDB9634O31L738192".replace("O", "8"))

    assert [(e.unit_id, e.reason, e.asset_id) for e in hub.events(org)] == [
        ("tp:1", Reason.AUTO_PAIR, truncated),
        ("tp:2", Reason.AUTO_PAIR, typo),
    ]
    assert [e.asset_vin for e in hub.events(org)] == [VIN, "WDB9634031L738192"]


def test_invalid_data_is_reported_once_per_vin_with_the_raw_value(hub: Hub) -> None:
    org = hub.org()
    hub.units.provision(org, "tp:1")

    hub.send("tp:1", "1HGCM8263IOQ")
    hub.send("tp:1", "1HGCM8263IOQ")
    hub.send("tp:1", None)

    events = hub.events(org)
    assert [(e.reason, e.sensor_vin) for e in events] == [
        (Reason.INVALID_DATA, "1HGCM8263IOQ"),
        (Reason.INVALID_DATA, None),
    ]
    assert hub.unit(org, "tp:1").state is S.INVALID_DATA


def test_not_found_is_sent_once_then_hourly_for_the_window(hub: Hub) -> None:
    org = hub.org()
    hub.units.provision(org, "tp:1")
    hub.send("tp:1", VIN, HERE)

    hub.remind_for(hours=60)

    events = hub.events(org)
    assert [e.reason for e in events] == [Reason.NOT_FOUND] * 49
    assert {e.location for e in events} == {HERE}
    unit = hub.unit(org, "tp:1")
    assert (unit.reminders_sent, unit.next_reminder_at) == (48, None)


def test_a_runner_waking_late_after_every_slot_still_sends_the_last_reminder(hub: Hub) -> None:
    org = hub.org()
    hub.units.provision(org, "tp:1")
    hub.send("tp:1", VIN)
    first = hub.clock.now_ms()

    for hour in range(1, 52):
        hub.clock.set(first + hour * HOUR * 1000 + 37_000)
        hub.auto_pairing.run_due_reminders(hub.clock.now_ms())

    assert hub.reasons(org) == ["NotFound"] * 49


def test_several_candidates_are_reported_once_sorted(hub: Hub) -> None:
    org = hub.org()
    ids = sorted([hub.asset(org, VIN), hub.asset(org, "WDB9634031A000001")])
    hub.units.provision(org, "tp:1")

    hub.send("tp:1", VIN[-6:])
    hub.send("tp:1", VIN[-6:])

    [event] = hub.events(org)
    assert (event.reason, event.candidate_asset_ids) == (Reason.MULTIPLE_MATCH_FOUND, tuple(ids))
    assert hub.unit(org, "tp:1").candidates == tuple(ids)


def test_a_broken_lookup_is_unknown_and_retried_after_the_retry_time(hub: Hub) -> None:
    org = hub.org()
    asset = hub.asset(org, VIN)
    hub.units.provision(org, "tp:1")

    def broken(*_: Any) -> Any:
        raise TimeoutError("index unavailable")

    # A truncated VIN: exact VINs are paired set-based, without the per-unit lookup.
    working, hub.auto_pairing.matcher = hub.auto_pairing.matcher, broken
    hub.send("tp:1", VIN[-9:], HERE)
    hub.auto_pairing.matcher = working
    hub.send("tp:1", VIN[-9:])
    assert hub.reasons(org) == ["Unknown"]
    assert hub.unit(org, "tp:1").last_location == HERE

    hub.clock.advance(60)
    hub.send("tp:1")

    assert hub.reasons(org) == ["Unknown", "AutoPair"]
    assert hub.unit(org, "tp:1").asset_id == asset


def test_a_manual_unpair_suppresses_auto_pairing_until_the_vin_changes(hub: Hub) -> None:
    org = hub.org()
    asset = hub.asset(org, VIN)
    hub.units.provision(org, "tp:1")
    hub.send("tp:1", VIN)

    hub.pairing.unpair(org, "tp:1")
    hub.send("tp:1", VIN)
    assert hub.unit(org, "tp:1").state is S.SUPPRESSED
    hub.send("tp:1", VIN[-8:])

    assert [(e.event_type, e.reason) for e in hub.events(org)] == [
        (EventType.PAIRED, Reason.AUTO_PAIR),
        (EventType.UNPAIRED, None),
        (EventType.PAIRED, Reason.AUTO_PAIR),
    ]
    assert hub.unit(org, "tp:1").asset_id == asset


def test_switching_auto_pairing_off_stops_reminders_and_on_starts_afresh(hub: Hub) -> None:
    org = hub.org()
    hub.units.provision(org, "tp:1")
    hub.send("tp:1", VIN)
    hub.remind_for(hours=2)

    hub.organizations.update(org, auto_pairing_enabled=False)
    hub.remind_for(hours=5)
    off = hub.unit(org, "tp:1")
    hub.send("tp:1", "WDB9634031L738192")
    assert hub.reasons(org) == ["NotFound"] * 3
    assert (off.state, off.next_reminder_at) == (S.DISABLED, None)

    asset = hub.asset(org, VIN)
    hub.organizations.update(org, auto_pairing_enabled=True)
    assert hub.unit(org, "tp:1").state is S.IDLE
    hub.send("tp:1", VIN)
    assert hub.reasons(org) == ["NotFound"] * 3 + ["AutoPair"]
    assert hub.unit(org, "tp:1").asset_id == asset


def test_a_new_or_fixed_asset_vin_rematches_waiting_units_at_once(hub: Hub) -> None:
    org = hub.org()
    wrong = hub.asset(org, "WDB9634031L738192")
    hub.units.provision(org, "tp:1")
    hub.units.provision(org, "tp:2")
    hub.send("tp:1", VIN)
    hub.send("tp:2", "YV2A4C2A1VB000002")

    hub.assets.update(org, wrong, AssetChanges(vin=VIN, vin_given=True))
    created = hub.assets.create(org, "YV2A4C2A1VB000002", None)

    assert hub.reasons(org) == ["NotFound", "NotFound", "AutoPair", "AutoPair"]
    assert hub.unit(org, "tp:1").asset_id == wrong
    assert created.unit_ids == ("tp:2",)


def test_an_unrelated_asset_change_emits_nothing(hub: Hub) -> None:
    org = hub.org()
    hub.units.provision(org, "tp:1")
    hub.send("tp:1", VIN)

    hub.asset(org, "WDB9634031L738192")

    assert hub.reasons(org) == ["NotFound"]


def test_a_paired_unit_is_never_repaired_and_a_position_report_attempts_nothing(hub: Hub) -> None:
    org = hub.org()
    first = hub.asset(org, VIN)
    hub.asset(org, "WDB9634031L738192")
    hub.units.provision(org, "tp:1")
    hub.units.provision(org, "tp:2")
    hub.send("tp:1", VIN)

    hub.send("tp:1", "WDB9634031L738192")
    hub.send("tp:2", location=HERE)

    assert hub.reasons(org) == ["AutoPair"]
    assert hub.unit(org, "tp:1").asset_id == first
    assert hub.unit(org, "tp:2").state is S.IDLE


def test_one_request_pairs_many_units_and_later_messages_see_the_earlier_outcome(hub: Hub) -> None:
    org = hub.org()
    vins = [f"1HGCM82633A{n:06d}" for n in range(20)]
    assets = [hub.asset(org, vin) for vin in vins]
    for n in range(20):
        hub.units.provision(org, f"tp:{n}")
    messages = [UnitMessage(n, f"tp:{n}", vin=ReportedVin.of(vin)) for n, vin in enumerate(vins)]
    messages.append(UnitMessage(20, "tp:0", vin=ReportedVin.of("WDB9634031L738192")))
    result = hub.ingest.accept(messages)

    assert result.accepted == 21
    assert [e.asset_id for e in hub.events(org)] == assets
    assert hub.unit(org, "tp:0").asset_id == assets[0]


def test_each_message_is_decided_once(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    org = hub.org()
    hub.asset(org, VIN)
    for n in range(3):
        hub.units.provision(org, f"tp:{n}")
    decided: list[str] = []
    real = unit_rules.decide_on_message

    def counting(unit: Unit, vin: str | None, enabled: bool, now: int) -> MessageAction:
        decided.append(unit.id)
        return real(unit, vin, enabled, now)

    # The ingest read decides on the unit as read; the attempt reuses that decision under the lock
    # (the unit did not change meanwhile) and decides only the later message of the acting unit.
    monkeypatch.setattr(ingest_module, "decide_on_message", counting)
    monkeypatch.setattr(unit_rules, "decide_on_message", counting)
    messages = [
        UnitMessage(0, "tp:0", vin=ReportedVin.of(VIN)),
        UnitMessage(1, "tp:1", vin=ReportedVin.of(VIN[-9:])),
        UnitMessage(2, "tp:2"),
        UnitMessage(3, "tp:1", vin=ReportedVin.of("WDB9634031L738192")),
    ]

    hub.ingest.accept(messages)

    assert sorted(decided) == ["tp:0", "tp:1", "tp:1", "tp:2"]
    assert hub.reasons(org) == ["AutoPair", "AutoPair"]


def test_a_second_unit_reporting_a_paired_assets_vin_is_paired_to_it_too(hub: Hub) -> None:
    # The rule (docs/auto-pairing.md, "Several units on one asset"): an asset may carry several units,
    # so a unit whose VIN matches is paired whatever else the asset carries; the asset's page says so.
    org = hub.org()
    asset = hub.asset(org, VIN)
    hub.units.provision(org, "tp:ebs")
    hub.units.provision(org, "tp:tracker")
    hub.send("tp:ebs", VIN)

    hub.send("tp:tracker", VIN[-8:])  # a truncated VIN (P1) of the same asset

    first, second = hub.events(org)
    assert (first.unit_id, first.reason, first.asset_id) == ("tp:ebs", Reason.AUTO_PAIR, asset)
    assert (second.unit_id, second.reason, second.asset_id) == ("tp:tracker", Reason.AUTO_PAIR, asset)
    assert hub.assets.get(org, asset).unit_ids == ("tp:ebs", "tp:tracker")
    # Each keeps its own pairing: unpairing one leaves the other on the asset.
    hub.pairing.unpair(org, "tp:ebs")
    assert hub.assets.get(org, asset).unit_ids == ("tp:tracker",)
    assert hub.unit(org, "tp:tracker").state is S.PAIRED
