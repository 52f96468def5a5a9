"""The NotFound reminder schedule as pure functions: 1 + 48 events with the defaults."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairhub.domain.reminders import (
    ReminderDecision,
    ReminderPolicy,
    decide_due,
    first_reminder_at,
    next_slot_after,
)

HOUR = 3_600_000
DEFAULTS = ReminderPolicy.from_seconds(3600, 172800)
T0 = 1_747_088_400_000


def simulate(policy: ReminderPolicy, first_failed_at: int, ticks: list[int]) -> list[int]:
    """Times at which events are emitted when a scheduler wakes at `ticks` (the first NotFound included)."""
    emitted = [first_failed_at]
    due = first_reminder_at(policy, first_failed_at)
    for now in ticks:
        if due is None:
            break
        if now < due:
            continue
        decision = decide_due(policy, first_failed_at, due, now)
        if decision.emit:
            emitted.append(now)
        due = decision.next_at
    return emitted


def test_defaults_give_one_event_then_forty_eight_hourly_reminders() -> None:
    assert ReminderPolicy(HOUR, 48 * HOUR) == DEFAULTS
    ticks = [T0 + minute * 60_000 for minute in range(1, 60 * 60)]
    emitted = simulate(DEFAULTS, T0, ticks)
    assert len(emitted) == 1 + 48 == 1 + DEFAULTS.reminder_count
    assert emitted == [T0 + hour * HOUR for hour in range(49)]


def test_the_last_reminder_is_at_exactly_the_window() -> None:
    last = T0 + 48 * HOUR
    assert decide_due(DEFAULTS, T0, last, last).emit
    assert decide_due(DEFAULTS, T0, last, last).next_at is None
    assert not decide_due(DEFAULTS, T0, last + 1, last + 1).emit


@pytest.mark.parametrize("late_ms", [1, 37_000, 59 * 60_000])
def test_the_last_reminder_is_decided_on_its_slot_not_on_the_wake_up(late_ms: int) -> None:
    last = T0 + 48 * HOUR
    decision = decide_due(DEFAULTS, T0, last, last + late_ms)
    assert decision.emit
    assert decision.next_at is None


@pytest.mark.parametrize("late_ms", [1, 37_000])
def test_a_scheduler_late_after_every_slot_still_sends_one_plus_forty_eight(late_ms: int) -> None:
    ticks = [T0 + hour * HOUR + late_ms for hour in range(1, 60)]
    emitted = simulate(DEFAULTS, T0, ticks)
    assert len(emitted) == 1 + 48
    assert emitted[1:] == ticks[:48]


def test_a_late_scheduler_sends_one_reminder_and_keeps_the_grid() -> None:
    decision = decide_due(DEFAULTS, T0, T0 + HOUR, T0 + 5 * HOUR + 17)
    assert decision.emit
    assert decision.next_at == T0 + 6 * HOUR


def test_a_slot_that_is_not_after_the_first_failure_is_not_a_reminder() -> None:
    assert decide_due(DEFAULTS, T0, T0, T0 + HOUR) == ReminderDecision(emit=False, next_at=None)


def test_a_window_shorter_than_the_interval_means_no_reminder() -> None:
    policy = ReminderPolicy.from_seconds(3600, 1800)
    assert first_reminder_at(policy, T0) is None
    assert policy.reminder_count == 0


def test_fractions_of_a_second_are_accepted() -> None:
    policy = ReminderPolicy.from_seconds(0.05, 2.4)
    assert policy == ReminderPolicy(50, 2400)
    assert policy.reminder_count == 48


def test_a_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        ReminderPolicy(0, 10)
    with pytest.raises(ValueError):
        ReminderPolicy(10, -1)


policies = st.builds(
    ReminderPolicy,
    interval_ms=st.integers(min_value=1, max_value=10 * HOUR),
    window_ms=st.integers(min_value=0, max_value=100 * HOUR),
)


@given(policies, st.integers(min_value=0, max_value=200 * HOUR))
def test_the_next_slot_is_later_on_the_grid_and_inside_the_window(
    policy: ReminderPolicy, elapsed: int
) -> None:
    slot = next_slot_after(policy, T0, T0 + elapsed)
    if slot is None:
        # Only when the following slot of the grid is past the window.
        assert (elapsed // policy.interval_ms + 1) * policy.interval_ms > policy.window_ms
        return
    assert slot > T0 + elapsed
    assert (slot - T0) % policy.interval_ms == 0
    assert slot - T0 <= policy.window_ms


@given(policies, st.integers(min_value=1, max_value=200 * HOUR), st.integers(min_value=0, max_value=HOUR))
def test_nothing_is_emitted_for_a_slot_past_the_window(policy: ReminderPolicy, slot: int, late: int) -> None:
    decision = decide_due(policy, T0, T0 + slot, T0 + slot + late)
    assert decision.emit == (slot <= policy.window_ms)
    if not decision.emit:
        assert decision.next_at is None
    elif decision.next_at is not None:
        assert decision.next_at > T0 + slot + late


@given(policies)
def test_an_on_time_scheduler_emits_one_plus_window_over_interval_events(policy: ReminderPolicy) -> None:
    ticks = [T0 + k * policy.interval_ms for k in range(1, min(policy.reminder_count, 500) + 3)]
    emitted = simulate(policy, T0, ticks)
    assert len(emitted) == 1 + min(policy.reminder_count, len(ticks))
