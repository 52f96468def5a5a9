"""A request's messages of paired units fold into one activity per unit, exactly as `Activity.then` does."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.memory.uow import MemoryStorage
from pairhub.domain.events import Location
from pairhub.domain.units import Activity, Unit
from pairhub.domain.vin import ReportedVin
from pairhub.services.activity import fold
from pairhub.services.auto_pairing import AutoPairing
from pairhub.services.ingest import MAX_FUTURE_SKEW_MS, Ingest, Rejection, UnitMessage
from pairhub.services.paired_units import PairedUnits
from tests.handlers.conftest import POLICY, Hub

UNITS = ["tp:1", "tp:2", "tp:3"]
NOW = ManualClock().now_ms()
LATEST = NOW + MAX_FUTURE_SKEW_MS

_timestamps = st.one_of(st.none(), st.integers(NOW - 10_000, NOW + 10_000), st.just(LATEST + 1))
_vins = st.one_of(st.none(), st.sampled_from([None, "F3A000001", "F3A000002"]).map(ReportedVin.of))
_locations = st.one_of(st.none(), st.builds(Location, st.sampled_from([1.0, 2.0]), st.just(3.0)))
_messages = st.lists(st.tuples(st.sampled_from(UNITS), _timestamps, _vins, _locations), max_size=30)
_pending = st.dictionaries(
    st.sampled_from(UNITS), st.builds(Activity, st.integers(NOW - 10_000, NOW + 10_000), _vins, _locations)
)


@given(_messages, _pending)
def test_paired_units_activity_is_the_fold_of_their_messages_in_arrival_order(
    messages: list[tuple[str, int | None, ReportedVin | None, Location | None]],
    pending: dict[str, Activity],
) -> None:
    clock, storage = ManualClock(), MemoryStorage()
    paired = PairedUnits()
    paired.remember(UNITS, paired.generation)
    ingest = Ingest(storage, clock, AutoPairing(storage, clock, POLICY), paired_units=paired)
    for unit_id, activity in pending.items():
        ingest.buffer.record(unit_id, activity)
    sent = [UnitMessage(index, *message) for index, message in enumerate(messages)]

    result = ingest.accept(sent)

    timely = [m for m in sent if m.timestamp_ms is None or m.timestamp_ms <= LATEST]
    expected = dict(pending)
    for m in timely:
        activity = Activity(NOW if m.timestamp_ms is None else m.timestamp_ms, m.vin, m.location)
        earlier = expected.get(m.unit_id)
        expected[m.unit_id] = activity if earlier is None else earlier.then(activity)
    assert ingest.buffer.drain() == expected
    assert result.accepted == len(timely)
    assert [r.index for r in result.rejected] == [m.index for m in sent if m not in timely]
    assert all(
        r == Rejection(r.index, "invalid_timestamp", "The timestamp is in the future.")
        for r in result.rejected
    )


@given(st.lists(st.builds(Activity, st.integers(NOW - 10_000, NOW + 10_000), _vins, _locations), min_size=1))
def test_fold_is_activity_then_on_bare_fields(activities: list[Activity]) -> None:
    folded = None
    expected = activities[0]
    for activity in activities:
        latitude, longitude = activity.location or (None, None)
        folded = fold(folded, activity.seen_at, activity.vin, latitude, longitude)
    for activity in activities[1:]:
        expected = expected.then(activity)

    assert folded is not None
    seen_at, vin, latitude, longitude = folded
    location = None if latitude is None or longitude is None else Location(latitude, longitude)
    assert Activity(seen_at, vin, location) == expected


_VINS = ["WDB9634031L738192", "VF1RFB00512345678", "F3A000001", "1HGCM82633A004352"]
_new_unit_messages = st.lists(
    st.tuples(
        st.sampled_from(UNITS),
        st.one_of(st.none(), st.integers(NOW - 10_000, NOW)),
        st.one_of(st.none(), st.sampled_from(_VINS)),
        st.one_of(st.none(), st.builds(Location, st.sampled_from([1.0, 2.0]), st.just(3.0))),
    ),
    min_size=1,
    max_size=12,
)


def _stored_after(
    messages: list[tuple[str, int | None, str | None, Location | None]], settle: bool
) -> tuple[list[Unit], int]:
    """The units as stored after one request of `messages` and a flush, and how many units it wrote."""
    hub = Hub()
    org = hub.org(auto_pairing=True)
    names = {org: "org", **{hub.asset(org, vin): f"asset {vin}" for vin in _VINS[:2]}}
    for unit_id in UNITS:
        hub.units.provision(org, unit_id)
    if not settle:
        hub.ingest.buffer.settle = lambda written: None  # type: ignore[method-assign]
    sent = [
        UnitMessage(index, unit_id, at, None if vin is None else ReportedVin.of(vin), location)
        for index, (unit_id, at, vin, location) in enumerate(messages)
    ]
    hub.ingest.accept(sent)
    flushed = hub.ingest.flush()
    stored = [hub.unit(org, unit_id) for unit_id in UNITS]
    # The two runs' ids differ: named alike, the units compare field by field.
    return [
        replace(
            unit,
            organization_id=names[unit.organization_id],
            asset_id=None if unit.asset_id is None else names[unit.asset_id],
            candidates=tuple(names[asset_id] for asset_id in unit.candidates),
        )
        for unit in stored
    ], flushed


@given(_new_unit_messages)
def test_activity_auto_pairing_committed_is_not_written_again(
    messages: list[tuple[str, int | None, str | None, Location | None]],
) -> None:
    settled, flushed = _stored_after(messages, settle=True)
    unsettled, flushed_before = _stored_after(messages, settle=False)

    assert settled == unsettled
    assert flushed <= flushed_before


def test_a_depot_coming_online_leaves_no_activity_to_flush() -> None:
    hub = Hub()
    org = hub.org(auto_pairing=True)
    hub.asset(org, _VINS[0])
    hub.units.provision(org, "tp:1")

    hub.ingest.accept([UnitMessage(0, "tp:1", None, ReportedVin.of(_VINS[0]), Location(1.0, 3.0))])

    assert hub.unit(org, "tp:1").asset_id is not None
    assert len(hub.ingest.buffer) == 0
