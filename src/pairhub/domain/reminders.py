"""Auto-pairing timing: the NotFound reminder grid (pure functions of t0, the slot, `now`) and its policy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReminderPolicy:
    """Remind every `interval_ms` while `t - t0 <= window_ms` (t0 = the first NotFound)."""

    interval_ms: int
    window_ms: int

    def __post_init__(self) -> None:
        if self.interval_ms <= 0:
            raise ValueError("the reminder interval must be positive")
        if self.window_ms < 0:
            raise ValueError("the reminder window cannot be negative")

    @classmethod
    def from_seconds(cls, interval: float, window: float) -> ReminderPolicy:
        """A policy from the settings' seconds (fractions allowed, at least 1 ms of interval)."""
        return cls(max(1, round(interval * 1000)), max(0, round(window * 1000)))

    @property
    def reminder_count(self) -> int:
        """How many reminders follow the first event when every one is sent on time."""
        return self.window_ms // self.interval_ms


@dataclass(frozen=True)
class ReminderDecision:
    """What to do with a due reminder: emit it or not, and when the next one is due (None: never)."""

    emit: bool
    next_at: int | None


def next_slot_after(policy: ReminderPolicy, first_failed_at: int, now: int) -> int | None:
    """The first slot `t0 + k * interval` (k >= 1) later than `now`, or None past the window.

    Slots stay on the grid of t0, so a late scheduler does not shift every later reminder.
    """
    elapsed = max(0, now - first_failed_at)
    slot = first_failed_at + (elapsed // policy.interval_ms + 1) * policy.interval_ms
    return slot if slot - first_failed_at <= policy.window_ms else None


def first_reminder_at(policy: ReminderPolicy, first_failed_at: int) -> int | None:
    """When the first reminder after the NotFound at `first_failed_at` is due."""
    return next_slot_after(policy, first_failed_at, first_failed_at)


def decide_due(policy: ReminderPolicy, first_failed_at: int, slot: int, now: int) -> ReminderDecision:
    """Decide the reminder of `slot` (the unit's next reminder time), found due at `now`.

    The window is checked against the slot, not `now`: a scheduler that wakes a little late still
    sends the last reminder of the window. Missed slots (a scheduler that was down) are not replayed
    as a burst: one reminder is sent and the next one waits for the following slot after `now`.
    """
    offset = slot - first_failed_at
    if offset <= 0 or offset > policy.window_ms:
        return ReminderDecision(emit=False, next_at=None)
    return ReminderDecision(emit=True, next_at=next_slot_after(policy, first_failed_at, max(slot, now)))


@dataclass(frozen=True)
class AutoPairingPolicy:
    """The timing knobs of auto pairing, in milliseconds."""

    reminders: ReminderPolicy
    unknown_retry_after_ms: int

    @classmethod
    def from_seconds(
        cls, reminder_interval: float, reminder_window: float, unknown_retry_after: float
    ) -> AutoPairingPolicy:
        """A policy from the settings' seconds."""
        return cls(
            ReminderPolicy.from_seconds(reminder_interval, reminder_window),
            max(0, round(unknown_retry_after * 1000)),
        )

    @property
    def poll_interval_seconds(self) -> float:
        """How often the scheduler looks for due reminders: at most 1 s, finer for compressed demos."""
        return min(1.0, self.reminders.interval_ms / 4000)
