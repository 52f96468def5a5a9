"""The fleet at a glance: units by state, and each subscription's delivery health hour by hour."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from pairhub.domain.model import AutoPairingState

HOUR_MS = 3_600_000
HOURS_SHOWN = 24

WAITING_OUTCOMES = (
    AutoPairingState.NOT_FOUND,
    AutoPairingState.MULTIPLE_MATCH_FOUND,
    AutoPairingState.INVALID_DATA,
    AutoPairingState.UNKNOWN,
)
"""The auto-pairing outcomes a unit waits in until the customer (or a retry) resolves it."""


class AssetOrder(StrEnum):
    """How a list of assets is sorted; every order ends on the id, so keyset pages are stable."""

    ID = "id"
    NAME = "name"
    VIN = "vin"
    UPDATED = "updated"
    """Most recently changed first."""


class UnitOrder(StrEnum):
    """How a list of units is sorted; every order ends on the id, so keyset pages are stable."""

    ID = "id"
    LAST_SEEN = "lastSeen"
    """Most recently seen first; never seen last."""
    STATE = "state"


@dataclass(frozen=True)
class UnitCounts:
    """How many units of an organization stand where: paired or not, and by auto-pairing state."""

    by_state: Mapping[AutoPairingState, int]
    paired: int

    @property
    def total(self) -> int:
        """Every unit of the organization."""
        return sum(self.by_state.values())

    @property
    def not_paired(self) -> int:
        """Units not mounted on an asset."""
        return self.total - self.paired

    def of(self, state: AutoPairingState) -> int:
        """Units in this auto-pairing state."""
        return self.by_state.get(state, 0)


def unit_counts(grouped: Mapping[tuple[bool, AutoPairingState], int]) -> UnitCounts:
    """Counts keyed by (paired, state), as a repository groups them, summed up."""
    by_state: dict[AutoPairingState, int] = dict.fromkeys(AutoPairingState, 0)
    paired = 0
    for (is_paired, state), count in grouped.items():
        by_state[state] += count
        paired += count if is_paired else 0
    return UnitCounts(by_state, paired)


@dataclass(frozen=True)
class DeliveryHour:
    """One hour of a subscription's delivery log: what its attempts carried and how they ended."""

    start: int
    """The hour's first millisecond (epoch)."""
    events_delivered: int = 0
    """Events in batches a successful attempt of this hour delivered."""
    events_failed: int = 0
    """Events in batches an attempt of this hour failed to deliver (each failed attempt counts)."""
    attempts: int = 0


@dataclass(frozen=True)
class Latency:
    """Attempt durations over a window, by nearest rank; None without attempts."""

    attempts: int
    p50_ms: int | None
    p95_ms: int | None


@dataclass(frozen=True)
class HourWindow:
    """The last 24 clock hours up to now: `start` of the oldest hour, `end` just after now."""

    start: int
    end: int

    @property
    def hours(self) -> tuple[int, ...]:
        """The first millisecond of each hour, oldest first."""
        return tuple(self.start + index * HOUR_MS for index in range(HOURS_SHOWN))


def window_ending_at(now: int) -> HourWindow:
    """The window whose newest hour is the clock hour (UTC) that holds `now`."""
    current = now - now % HOUR_MS
    return HourWindow(current - (HOURS_SHOWN - 1) * HOUR_MS, now + 1)


def every_hour(window: HourWindow, found: Mapping[int, DeliveryHour]) -> tuple[DeliveryHour, ...]:
    """One entry per hour of the window, empty where the log has nothing."""
    return tuple(found.get(start, DeliveryHour(start)) for start in window.hours)


def nearest_rank(count: int, percentile: int) -> int:
    """The 0-based position of a percentile in `count` sorted values (nearest-rank method)."""
    # ceil(p/100 * n) - 1, in integers: no float rounding can move the rank.
    return max(0, -(-percentile * count // 100) - 1)
