"""Throttling of failed sign-ins: a few free failures, then a lock that grows with each repeat."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottleRule:
    """How many failures are free before a lock, and how long the locks last (doubling up to a cap)."""

    free_failures: int
    first_lock_ms: int
    longest_lock_ms: int


ACCOUNT_RULE = ThrottleRule(free_failures=5, first_lock_ms=30_000, longest_lock_ms=3_600_000)
"""One person's account: five wrong passwords, then 30 s, 1 min, 2 min … up to an hour."""
ADDRESS_RULE = ThrottleRule(free_failures=20, first_lock_ms=60_000, longest_lock_ms=3_600_000)
"""One client address: more room (people behind one address share it), then the same growth."""


@dataclass(frozen=True)
class Strikes:
    """Failures since the last lock, how many locks so far, and until when the current one holds."""

    failures: int = 0
    locks: int = 0
    locked_until: int = 0


def retry_after_ms(strikes: Strikes, now: int) -> int:
    """How long sign-ins stay refused (0: not locked)."""
    return max(0, strikes.locked_until - now)


def on_failure(strikes: Strikes, rule: ThrottleRule, now: int) -> Strikes:
    """One more failure; past the free ones it locks, each lock twice as long as the one before."""
    failures = strikes.failures + 1
    if failures < rule.free_failures:
        return Strikes(failures, strikes.locks, strikes.locked_until)
    lock_ms = min(rule.first_lock_ms * 2**strikes.locks, rule.longest_lock_ms)
    return Strikes(0, strikes.locks + 1, now + lock_ms)
