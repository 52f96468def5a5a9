"""`uow.apply` persists unit transitions the same way on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from pairhub.domain import events
from pairhub.domain import units as unit_rules
from pairhub.domain.assets import Asset
from pairhub.domain.events import EventType, Reason
from pairhub.domain.model import AutoPairingState as S
from pairhub.domain.organizations import Organization
from pairhub.domain.reminders import AutoPairingPolicy
from pairhub.domain.transitions import Transition
from pairhub.domain.units import Activity, Unit
from pairhub.domain.vin import MatchKind, MatchResult, ReportedVin
from pairhub.ports import EventQuery, Storage
from pairhub.services.auto_pairing import diagnoses

VIN = "WDB9634031L738192"
POLICY = AutoPairingPolicy.from_seconds(
    reminder_interval=3600, reminder_window=48 * 3600, unknown_retry_after=60
)
TYPES = [EventType.PAIRED.value, EventType.UNPAIRED.value]


def _stored(storage: Storage, org: str, unit_id: str) -> tuple[Unit | None, list[tuple[str, str | None]]]:
    with storage.read() as uow:
        unit = uow.units.get(org, unit_id)
        history = [(e.paired_by, e.unpaired_by) for e in uow.pairings.search(org, unit_id, 0, 10)]
    return unit, history


def _setup(storage: Storage, org: str, *unit_ids: str) -> list[Unit]:
    created = [Unit(unit_id, org, 0, S.IDLE) for unit_id in unit_ids]
    with storage.write() as uow:
        uow.assets.add(Asset("a1", org, VIN, None, 1, 1))
        for unit in created:
            uow.units.add(unit)
    return created


def test_an_auto_pairing_writes_the_unit_its_history_event_and_diagnosis(
    storage: Storage, organization: Organization
) -> None:
    org = organization.id
    _setup(storage, org, "tp:1")
    result = MatchResult(MatchKind.EXACT, asset_id="a1", asset_vin=VIN)
    with storage.write() as uow:
        before = uow.units.lock_many(["tp:1"])["tp:1"]
        seen = unit_rules.with_activity(before, Activity(5, ReportedVin.of(VIN.lower())))
        step = unit_rules.on_match(seen, VIN, result, VIN, POLICY, 10)
        found = diagnoses.of(step.events, ReportedVin.of(VIN.lower()), {})
        closed = uow.apply([Transition(before, step.unit, step.events, found)])

    stored, history = _stored(storage, org, "tp:1")
    with storage.read() as uow:
        recorded = [s.event for s in uow.events.read(EventQuery(org, TYPES, 10))]
        diagnosed = uow.diagnoses.of_unit(org, "tp:1", None, 10)
    assert closed == []
    assert stored == step.unit
    assert history == [("AutoPair", None)]
    assert recorded == list(step.events)
    assert [(d.outcome, d.raw_vin, d.asset_id) for d in diagnosed] == [("AutoPair", VIN.lower(), "a1")]


def test_a_manual_unpair_closes_the_entry_and_returns_it(
    storage: Storage, organization: Organization
) -> None:
    org = organization.id
    [unit] = _setup(storage, org, "tp:1")
    pair = unit_rules.on_manual_pair(unit, "a1", VIN, 10)
    assert pair is not None
    with storage.write() as uow:
        uow.apply([Transition(unit, pair.unit, pair.events, via="ui")])
    unpair = unit_rules.on_unpair(pair.unit, VIN, 20)
    with storage.write() as uow:
        [closed] = uow.apply([Transition(pair.unit, unpair.unit, unpair.events, via="api")])

    stored, history = _stored(storage, org, "tp:1")
    assert (closed.paired_by, closed.paired_via, closed.unpaired_at, closed.unpaired_via) == (
        "ManualPair",
        "ui",
        20,
        "api",
    )
    assert stored == unpair.unit
    assert history == [("ManualPair", "ManualUnpair")]


def test_several_transitions_of_one_unit_end_as_the_last_and_keep_their_events_in_order(
    storage: Storage, organization: Organization
) -> None:
    org = organization.id
    first, other = _setup(storage, org, "tp:1", "tp:2")
    not_found = unit_rules.on_match(first, "XLRTE47MS0G654321", MatchResult(MatchKind.NONE), None, POLICY, 10)
    invalid = events.auto_pair_failed(Reason.INVALID_DATA, org, "tp:1", "XX", None, 11)
    last = Unit("tp:1", org, 0, S.INVALID_DATA, attempted_vin="XX", sensor_vin="XX")
    paired = unit_rules.on_match(
        other, VIN, MatchResult(MatchKind.EXACT, "a1", asset_vin=VIN), VIN, POLICY, 12
    )
    with storage.write() as uow:
        uow.apply(
            [
                Transition(first, not_found.unit, not_found.events),
                Transition(other, paired.unit, paired.events),
                Transition(not_found.unit, last, (invalid,)),
            ]
        )

    stored, history = _stored(storage, org, "tp:1")
    with storage.read() as uow:
        reasons = [(s.event.unit_id, s.event.reason) for s in uow.events.read(EventQuery(org, TYPES, 10))]
    assert stored == last
    assert history == []
    assert _stored(storage, org, "tp:2") == (paired.unit, [("AutoPair", None)])
    assert reasons == [("tp:1", Reason.NOT_FOUND), ("tp:2", Reason.AUTO_PAIR), ("tp:1", Reason.INVALID_DATA)]


def test_nothing_to_apply_writes_nothing(storage: Storage, organization: Organization) -> None:
    with storage.write() as uow:
        assert uow.apply([]) == []
    with storage.read() as uow:
        assert uow.events.read(EventQuery(organization.id, TYPES, 10)) == []
