"""The growth of sign-in locks, as a pure rule."""

from __future__ import annotations

from pairhub.domain.throttle import Strikes, ThrottleRule, on_failure, retry_after_ms

RULE = ThrottleRule(free_failures=3, first_lock_ms=1_000, longest_lock_ms=5_000)


def _fail(strikes: Strikes, times: int, now: int) -> Strikes:
    for _ in range(times):
        strikes = on_failure(strikes, RULE, now)
    return strikes


def test_free_failures_then_locks_that_double_up_to_the_cap() -> None:
    strikes = _fail(Strikes(), 2, now=0)
    assert retry_after_ms(strikes, 0) == 0
    waits = []
    for round_ in range(5):
        now = round_ * 100_000
        strikes = _fail(strikes, RULE.free_failures - (1 if round_ == 0 else 0), now)
        waits.append(retry_after_ms(strikes, now))
    assert waits == [1_000, 2_000, 4_000, 5_000, 5_000]


def test_a_lock_ends_by_itself() -> None:
    strikes = _fail(Strikes(), 3, now=10)
    assert retry_after_ms(strikes, 10) == 1_000
    assert retry_after_ms(strikes, 1_009) == 1
    assert retry_after_ms(strikes, 1_010) == 0
