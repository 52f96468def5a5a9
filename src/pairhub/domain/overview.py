"""The fleet at a glance: units by state, pairing activity, and delivery health over a range."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from pairhub.domain.model import AutoPairingState
from pairhub.domain.vocabulary import AttemptResult, result_of

HOUR_MS = 3_600_000

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


class Range(StrEnum):
    """The span an overview chart covers, as the range selector offers it."""

    DAY = "24h"
    WEEK = "7d"
    MONTH = "30d"


@dataclass(frozen=True)
class RangeShape:
    """How a range is cut: this many buckets of this length, the newest holding now."""

    bucket_ms: int
    buckets: int
    label: str


RANGES: dict[Range, RangeShape] = {
    Range.DAY: RangeShape(HOUR_MS, 24, "24 hours"),
    Range.WEEK: RangeShape(6 * HOUR_MS, 28, "7 days"),
    Range.MONTH: RangeShape(24 * HOUR_MS, 30, "30 days"),
}


@dataclass(frozen=True)
class DeliveryBucket:
    """A bucket of a subscription's delivery log: the events its attempts delivered, attempts by result."""

    start: int
    """The bucket's first millisecond (epoch)."""
    events_delivered: int = 0
    """Events in batches a successful attempt of this bucket delivered."""
    attempts_succeeded: int = 0
    attempts_retried: int = 0
    attempts_refused: int = 0
    attempts: int = 0
    """Every attempt, those whose answer was not recorded (a lost lease) included."""


@dataclass(frozen=True)
class PairingBucket:
    """One bucket of an organization's pairing activity: events per outcome (`reason`, or unpaired)."""

    start: int
    by_outcome: Mapping[str, int]

    @property
    def total(self) -> int:
        """Every pairing event of the bucket."""
        return sum(self.by_outcome.values())


@dataclass(frozen=True)
class Latency:
    """Attempt durations over a window, by nearest rank; None without attempts."""

    attempts: int
    p50_ms: int | None
    p95_ms: int | None


@dataclass(frozen=True)
class Window:
    """A range's buckets up to now: `start` of the oldest bucket, `end` just after now."""

    start: int
    end: int
    bucket_ms: int
    buckets: int

    @property
    def starts(self) -> tuple[int, ...]:
        """The first millisecond of each bucket, oldest first."""
        return tuple(self.start + index * self.bucket_ms for index in range(self.buckets))

    @property
    def current(self) -> int:
        """The start of the bucket that holds now."""
        return self.start + (self.buckets - 1) * self.bucket_ms


def window_ending_at(now: int, span: Range = Range.DAY) -> Window:
    """The range's window whose newest bucket (aligned on UTC) holds `now`."""
    shape = RANGES[span]
    current = now - now % shape.bucket_ms
    return Window(current - (shape.buckets - 1) * shape.bucket_ms, now + 1, shape.bucket_ms, shape.buckets)


def every_bucket(window: Window, found: Mapping[int, DeliveryBucket]) -> tuple[DeliveryBucket, ...]:
    """One entry per bucket of the window, empty where the log has nothing."""
    return tuple(found.get(start, DeliveryBucket(start)) for start in window.starts)


def add_attempts(bucket: DeliveryBucket, outcome: str, count: int, events_sent: int) -> DeliveryBucket:
    """A bucket with `count` more attempts of this outcome, each carrying `events_sent` events in all."""
    result = result_of(outcome)
    return replace(
        bucket,
        attempts=bucket.attempts + count,
        events_delivered=bucket.events_delivered + (events_sent if result is AttemptResult.SUCCEEDED else 0),
        attempts_succeeded=bucket.attempts_succeeded + (count if result is AttemptResult.SUCCEEDED else 0),
        attempts_retried=bucket.attempts_retried + (count if result is AttemptResult.RETRIED else 0),
        attempts_refused=bucket.attempts_refused + (count if result is AttemptResult.REFUSED else 0),
    )


def every_pairing_bucket(window: Window, found: Mapping[int, Mapping[str, int]]) -> tuple[PairingBucket, ...]:
    """One entry per bucket of the window, empty where nothing happened."""
    return tuple(PairingBucket(start, dict(found.get(start, {}))) for start in window.starts)


def nearest_rank(count: int, percentile: int) -> int:
    """The 0-based position of a percentile in `count` sorted values (nearest-rank method)."""
    # ceil(p/100 * n) - 1, in integers: no float rounding can move the rank.
    return max(0, -(-percentile * count // 100) - 1)
