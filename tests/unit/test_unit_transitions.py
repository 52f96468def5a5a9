"""The unit's state machine as pure functions: each transition's record and events."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pairhub.domain.errors import Conflict
from pairhub.domain.events import EventType, Location, Reason
from pairhub.domain.model import AutoPairingState as S
from pairhub.domain.units import (
    Activity,
    AutoPairingPolicy,
    MessageAction,
    Unit,
    check_deletable,
    decide_on_message,
    on_asset_change,
    on_failure,
    on_manual_pair,
    on_match,
    on_message,
    on_reminder,
    on_reminder_match,
    on_switch,
    on_unpair,
    provision,
    rematch_vin,
)
from pairhub.domain.vin import MatchKind, MatchResult, ReportedVin

HOUR = 3_600_000
POLICY = AutoPairingPolicy.from_seconds(3600, 48 * 3600, 60)
T0 = 1_747_088_400_000
VIN = "1HGCM82633A000001"
HERE = Location(50.0, 2.0)
NONE = MatchResult(MatchKind.NONE)
PAIR = MatchResult(MatchKind.PARTIAL, asset_id="a1")
TWO = MatchResult(MatchKind.MULTIPLE, candidate_asset_ids=("a1", "a2"))


def waiting(**changes: object) -> Unit:
    """A unit that reported VIN at T0 and found no asset."""
    unit = on_match(provision("tp:1", "org", True, 0), VIN, NONE, None, POLICY, T0).unit
    return replace(unit, last_location=HERE, **changes)  # type: ignore[arg-type]


def test_provisioning_follows_the_organization_switch() -> None:
    assert provision("tp:1", "org", True, 5).state is S.IDLE
    assert provision("tp:1", "org", False, 5) == Unit("tp:1", "org", 5, S.DISABLED)


def test_a_message_attempt_records_activity_and_asks_for_a_match() -> None:
    unit = provision("tp:1", "org", True, 0)
    step = on_message(unit, Activity(T0, ReportedVin.of(VIN.lower()), HERE), MessageAction.ATTEMPT, T0)
    assert step.match_vin == VIN and step.events == ()
    assert (step.unit.last_seen_at, step.unit.last_vin, step.unit.last_location) == (T0, VIN, HERE)
    assert on_message(unit, Activity(T0), MessageAction.NOTHING, T0).unit is unit


def test_an_unusable_vin_settles_as_invalid_data_at_once() -> None:
    unit = provision("tp:1", "org", True, 0)
    step = on_message(unit, Activity(T0, ReportedVin.of("00000000000000000")), MessageAction.ATTEMPT, T0)
    [event] = step.events
    assert step.match_vin is None
    assert (step.unit.state, step.unit.attempted_vin, event.reason) == (
        S.INVALID_DATA,
        "00000000000000000",
        Reason.INVALID_DATA,
    )


def test_not_found_starts_the_schedule_and_a_match_pairs_and_ends_it() -> None:
    unit = waiting()
    assert (unit.state, unit.first_failed_at, unit.next_reminder_at) == (S.NOT_FOUND, T0, T0 + HOUR)
    paired = on_match(unit, VIN, PAIR, VIN, POLICY, T0 + 5)
    [event] = paired.events
    assert (paired.unit.asset_id, paired.unit.state, paired.unit.next_reminder_at) == ("a1", S.PAIRED, None)
    assert (event.reason, event.asset_vin, event.location) == (Reason.AUTO_PAIR, VIN, HERE)


def test_a_due_reminder_rematches_first_then_reminds_on_the_grid() -> None:
    unit = waiting()
    late = T0 + HOUR + 37_000
    step = on_reminder(unit, True, POLICY, late)
    assert step.match_vin == VIN and step.unit is unit
    reminded = on_reminder_match(unit, NONE, None, POLICY, late)
    assert (reminded.unit.reminders_sent, reminded.unit.next_reminder_at) == (1, T0 + 2 * HOUR)
    assert [e.reason for e in reminded.events] == [Reason.NOT_FOUND]
    several = on_reminder_match(unit, TWO, None, POLICY, late)
    assert (several.unit.state, several.unit.next_reminder_at) == (S.MULTIPLE_MATCH_FOUND, None)


def test_the_last_slot_is_sent_however_late_the_runner_wakes_and_then_the_schedule_ends() -> None:
    last = waiting(next_reminder_at=T0 + 48 * HOUR, reminders_sent=47)
    step = on_reminder(last, True, POLICY, T0 + 48 * HOUR + 1)
    assert step.match_vin == VIN
    done = on_reminder_match(last, NONE, None, POLICY, T0 + 48 * HOUR + 1).unit
    assert (done.reminders_sent, done.next_reminder_at) == (48, None)


@pytest.mark.parametrize(
    "unit,enabled",
    [(waiting(), False), (waiting(asset_id="a1"), True), (waiting(state=S.SUPPRESSED), True)],
)
def test_a_reminder_that_no_longer_applies_only_ends_the_schedule(unit: Unit, enabled: bool) -> None:
    step = on_reminder(unit, enabled, POLICY, T0 + HOUR)
    assert step.match_vin is None and step.events == ()
    assert step.unit == replace(unit, next_reminder_at=None)


def test_a_broken_lookup_is_unknown_with_a_retry_time() -> None:
    step = on_failure(waiting(), VIN, POLICY, T0)
    assert (step.unit.state, step.unit.retry_after, step.unit.next_reminder_at) == (
        S.UNKNOWN,
        T0 + 60_000,
        None,
    )
    assert [e.reason for e in step.events] == [Reason.UNKNOWN]


def test_an_asset_change_emits_only_news() -> None:
    unit = waiting()
    assert rematch_vin(unit) == VIN
    assert on_asset_change(unit, NONE, None, POLICY, T0 + 1).unit is unit
    assert on_asset_change(unit, TWO, None, POLICY, T0 + 1).unit.candidates == ("a1", "a2")
    assert rematch_vin(replace(unit, state=S.INVALID_DATA)) is None


def test_the_switch_disables_all_but_suppressed_units_and_restarts_disabled_ones() -> None:
    off = on_switch(waiting(), False)
    assert (off.state, off.next_reminder_at, off.first_failed_at) == (S.DISABLED, None, None)
    assert on_switch(off, True) == replace(off, state=S.IDLE, attempted_vin=None)
    suppressed = waiting(state=S.SUPPRESSED)
    assert on_switch(suppressed, False) is suppressed
    paired = waiting(asset_id="a1")
    assert on_switch(paired, False) is paired


def test_switching_back_on_keeps_the_outcome_announced_for_the_same_vin() -> None:
    unit = provision("tp:1", "org", True, 0)
    invalid = on_message(unit, Activity(T0, ReportedVin.of("XXXXXX")), MessageAction.ATTEMPT, T0).unit
    multiple = on_match(unit, "F3D001", TWO, None, POLICY, T0).unit

    invalid_again = on_switch(on_switch(invalid, False), True)
    multiple_again = on_switch(on_switch(multiple, False), True)

    assert (invalid_again.state, invalid_again.attempted_vin) == (S.INVALID_DATA, "XXXXXX")
    assert (multiple_again.state, multiple_again.candidates) == (S.MULTIPLE_MATCH_FOUND, ("a1", "a2"))
    assert decide_on_message(invalid_again, "XXXXXX", True, T0) is MessageAction.NOTHING
    assert decide_on_message(multiple_again, "F3D001", True, T0) is MessageAction.NOTHING
    assert decide_on_message(invalid_again, "YYYYYY", True, T0) is MessageAction.ATTEMPT


def test_manual_pairing_and_unpairing() -> None:
    unit = waiting(last_vin=VIN)
    paired = on_manual_pair(unit, "a1", VIN, T0 + 1)
    assert paired is not None
    assert (paired.unit.state, paired.unit.next_reminder_at, paired.events[0].reason) == (
        S.PAIRED,
        None,
        Reason.MANUAL_PAIR,
    )
    assert on_manual_pair(paired.unit, "a1", VIN, T0 + 2) is None
    with pytest.raises(Conflict):
        on_manual_pair(paired.unit, "a2", None, T0 + 2)
    with pytest.raises(Conflict):
        check_deletable(paired.unit)
    unpaired = on_unpair(paired.unit, VIN, T0 + 3)
    assert (unpaired.unit.state, unpaired.unit.asset_id, unpaired.unit.attempted_vin) == (
        S.SUPPRESSED,
        None,
        VIN,
    )
    assert [(e.event_type, e.asset_id) for e in unpaired.events] == [(EventType.UNPAIRED, "a1")]
    with pytest.raises(Conflict):
        on_unpair(unpaired.unit, None, T0 + 4)
