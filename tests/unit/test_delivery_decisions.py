"""The pure delivery decisions: outcomes per answer, the retry schedule with jitter, Retry-After, batching."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairhub.domain.delivery import (
    MAX_RETRY_AFTER_MS,
    Decision,
    Outcome,
    RetryPolicy,
    batch_ready,
    header_refusal,
    hold_reason,
    is_retryable,
    parse_retry_after,
    retry_delay_ms,
    signing_secrets,
)
from pairhub.domain.subscriptions import SubscriptionState

NOW = 1_747_088_400_000
SCHEDULE = (0, 5_000, 30_000, 300_000, 1_800_000)
PROBE = 900_000


def attempt(
    status: int | None,
    attempts: int = 1,
    state: SubscriptionState = SubscriptionState.ACTIVE,
    retry_after_ms: int | None = None,
    jitter: float = 0.0,
) -> Decision:
    return RetryPolicy(SCHEDULE, PROBE).decide(
        status, attempts, state is SubscriptionState.ON_HOLD, NOW, retry_after_ms, jitter
    )


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_2xx_is_delivered(status: int) -> None:
    assert attempt(status) == Decision(Outcome.DELIVERED)


@pytest.mark.parametrize("status", [None, 408, 429, 500, 502, 503, 504, 599])
def test_timeouts_connection_errors_408_429_and_5xx_are_retried(status: int | None) -> None:
    assert is_retryable(status)
    assert attempt(status, attempts=2) == Decision(Outcome.RETRY, NOW + 5_000)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 422, 301, 302, 303, 307, 308, 100])
def test_other_4xx_and_3xx_fail_the_batch(status: int) -> None:
    assert attempt(status) == Decision(Outcome.FAILED)


def test_410_disables_the_subscription() -> None:
    assert attempt(410) == Decision(Outcome.DISABLED)


def test_schedule_counts_from_the_previous_attempt_then_holds() -> None:
    delays = [attempt(503, attempts=n).next_attempt_at for n in range(1, 6)]
    assert delays == [NOW + d for d in SCHEDULE]
    assert attempt(503, attempts=6) == Decision(Outcome.ON_HOLD, NOW + PROBE)


def test_on_hold_failures_wait_for_the_next_probe() -> None:
    assert attempt(None, attempts=9, state=SubscriptionState.ON_HOLD) == Decision(
        Outcome.PROBE_FAILED, NOW + PROBE
    )
    assert attempt(200, attempts=9, state=SubscriptionState.ON_HOLD).outcome is Outcome.DELIVERED


@pytest.mark.parametrize(
    ("jitter", "expected"), [(-1.0, 27_000), (0.0, 30_000), (1.0, 33_000), (5.0, 33_000)]
)
def test_jitter_is_at_most_ten_percent(jitter: float, expected: int) -> None:
    assert retry_delay_ms(3, SCHEDULE, jitter) == expected


def test_retry_after_lengthens_but_never_shortens_the_wait() -> None:
    assert attempt(429, attempts=3, retry_after_ms=120_000).next_attempt_at == NOW + 120_000
    assert attempt(429, attempts=3, retry_after_ms=1_000).next_attempt_at == NOW + 30_000


def test_retry_after_in_seconds_or_as_a_date_is_capped_at_one_hour() -> None:
    assert parse_retry_after("120", NOW) == 120_000
    assert parse_retry_after(" 0 ", NOW) == 0
    assert parse_retry_after("86400", NOW) == MAX_RETRY_AFTER_MS
    # Eleven digits or a hundred are a delay as much as ten are: capped, not ignored.
    assert parse_retry_after("9" * 11, NOW) == MAX_RETRY_AFTER_MS
    assert parse_retry_after("9" * 100, NOW) == MAX_RETRY_AFTER_MS
    in_ten_minutes = datetime.fromtimestamp((NOW + 600_000) / 1000, tz=UTC)
    assert parse_retry_after(format_datetime(in_ten_minutes, usegmt=True), NOW) == 600_000
    in_the_past = datetime.fromtimestamp((NOW - 600_000) / 1000, tz=UTC)
    assert parse_retry_after(format_datetime(in_the_past, usegmt=True), NOW) == 0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after("-5", NOW) is None
    assert parse_retry_after(None, NOW) is None


@pytest.mark.parametrize(
    "value",
    [
        "²",
        "1²",
        "٣",
        "\uff11\uff12",
        "1e3",
        "0x10",
        "12.5",
        "+5",
        "1 2",
        "x" * 10_000,
        "9" * 101,
        "Mon, 99 Foo 99999",
    ],
)
def test_retry_after_that_is_neither_ascii_seconds_nor_a_date_is_ignored(value: str) -> None:
    # "²".isdigit() and "٣".isdigit() are True, and int("²") raises: only ASCII digits are seconds.
    assert parse_retry_after(value, NOW) is None


@given(st.text())
def test_retry_after_never_raises_whatever_a_receiver_sends(value: str) -> None:
    delay = parse_retry_after(value, NOW)
    assert delay is None or 0 <= delay <= MAX_RETRY_AFTER_MS


def test_a_batch_leaves_when_full_or_when_its_oldest_event_has_waited_max_wait() -> None:
    assert batch_ready(100, 100, NOW, 500, NOW)
    assert not batch_ready(99, 100, NOW, 500, NOW + 499)
    assert batch_ready(1, 100, NOW, 500, NOW + 500)
    assert batch_ready(1, 100, NOW, 0, NOW)
    assert not batch_ready(0, 100, None, 0, NOW)


def test_both_secrets_sign_during_the_rotation_overlap_only() -> None:
    assert signing_secrets("new", "old", NOW + 1, NOW) == ("new", "old")
    assert signing_secrets("new", "old", NOW, NOW) == ("new",)
    assert signing_secrets("new", None, None, NOW) == ("new",)


@pytest.mark.parametrize(
    "name",
    ["Content-Type", "content-length", "Host", "User-Agent", "X-Signature-256", "webhook-id", "Webhook-Foo"],
)
def test_reserved_header_names_are_refused(name: str) -> None:
    refusal = header_refusal(name, "value")
    assert refusal is not None and "cannot be overridden" in refusal


def test_custom_headers_must_be_valid_single_lines() -> None:
    assert header_refusal("Authorization", "Bearer abc") is None
    assert header_refusal("X-Api-Key", "k") is None
    assert header_refusal("X Bad", "v") is not None
    assert header_refusal("X-Ok", "line\r\nInjected: yes") is not None


def test_hold_reason_names_the_last_failure() -> None:
    assert hold_reason(6, 503, None) == "6 attempts failed; last: HTTP 503"
    assert hold_reason(6, None, "timeout after 5 s") == "6 attempts failed; last: timeout after 5 s"
