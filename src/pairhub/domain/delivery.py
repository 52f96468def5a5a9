"""Webhook delivery decisions as pure functions of values and `now`: batching, retries, holds, expiry."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from enum import StrEnum

JITTER = 0.10
"""Retry delays vary by up to ±10 % so that receivers coming back up are not hit all at once."""

MAX_RETRY_AFTER_MS = 3_600_000
"""A receiver's `Retry-After` is honoured up to one hour; beyond that our own schedule wins."""

ROTATION_OVERLAP_MS = 24 * 3_600_000
"""After a rotation the previous secret keeps signing for this long."""

MAX_CUSTOM_HEADERS = 5
MAX_BATCH_SIZE = 500
MAX_WAIT_MS = 60_000

# Headers the service sets itself or that would break HTTP framing; a subscription may not override them.
RESERVED_HEADERS = frozenset(
    {
        "connection",
        "content-encoding",
        "content-length",
        "content-type",
        "cookie",
        "expect",
        "host",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-signature-256",
    }
)
RESERVED_HEADER_PREFIXES = ("webhook-", "proxy-", "sec-", ":")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$")
_DELAY_SECONDS = re.compile(r"[0-9]+", re.ASCII)
"""Seconds as `Retry-After` allows them: ASCII digits only (`str.isdigit` also accepts "²" and "٣").

Any number of them (up to `MAX_RETRY_AFTER_CHARS`): a huge delay is still a delay, capped at one hour,
never a value to ignore (which would retry sooner than a shorter `Retry-After` does)."""
MAX_RETRY_AFTER_CHARS = 100


class SignatureAlgorithm(StrEnum):
    """How a subscription's requests are signed; chosen at creation, kept for its lifetime."""

    HMAC_SHA256 = "hmac-sha256"
    ED25519 = "ed25519"


class Outcome(StrEnum):
    """What one delivery attempt leads to."""

    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"
    DISABLED = "disabled"
    ON_HOLD = "onHold"
    PROBE_FAILED = "probeFailed"


@dataclass(frozen=True)
class Decision:
    """The consequence of an attempt: the outcome and, when the batch stays pending, when to try again."""

    outcome: Outcome
    next_attempt_at: int | None = None


def _field_value(value: str) -> bool:
    """RFC 9110 field-value: visible characters, inner spaces and tabs; no other control character."""
    # C0, DEL and C1 controls break framing or are stripped by proxies; leading and trailing whitespace
    # is not part of a field value, so a receiver would see a different value than the one stored.
    if value != value.strip(" \t"):
        return False
    # Lone surrogates cannot be encoded: the sender would fail on every attempt.
    return all(
        char == "\t" or (char >= " " and not "\x7f" <= char <= "\x9f" and not "\ud800" <= char <= "\udfff")
        for char in value
    )


def header_refusal(name: str, value: str) -> str | None:
    """Why a custom header may not be used, or None when it is acceptable."""
    if not _TOKEN.fullmatch(name):
        return f"`{name}` is not a valid header name."
    lowered = name.lower()
    if lowered in RESERVED_HEADERS or lowered.startswith(RESERVED_HEADER_PREFIXES):
        return f"`{name}` is set by pairhub and cannot be overridden."
    if not _field_value(value) or len(value) > 1024:
        return f"The value of `{name}` must be one line of at most 1024 visible characters (RFC 9110)."
    return None


DEFAULT_SIGNATURE_HEADER = "X-Signature-256"
_SIGNATURE_HEADER = re.compile(r"X-[0-9A-Za-z][0-9A-Za-z-]{0,62}", re.ASCII)


def signature_header_refusal(name: str) -> str | None:
    """Why a name cannot carry the body signature (`sha256=<hex>`), or None when it can.

    Any `X-` name that pairhub does not set otherwise: receivers written for another service's header
    (the Datahub's `X-SCALAR-Signature`) then verify unchanged.
    """
    if not _SIGNATURE_HEADER.fullmatch(name):
        return f"`{name}` is not an `X-` header name (letters, digits and '-', at most 64 characters)."
    lowered = name.lower()
    if lowered != DEFAULT_SIGNATURE_HEADER.lower() and (
        lowered in RESERVED_HEADERS or lowered.startswith(RESERVED_HEADER_PREFIXES)
    ):
        return f"`{name}` is set by pairhub and cannot carry the signature."
    return None


def is_success(status: int | None) -> bool:
    """True for a 2xx answer: the one test of "delivered"."""
    return status is not None and 200 <= status <= 299


def is_retryable(status: int | None) -> bool:
    """True when an attempt that ended with `status` (None: no response) should be tried again."""
    return status is None or status in (408, 429) or 500 <= status <= 599


def parse_retry_after(value: str | None, now_ms: int) -> int | None:
    """`Retry-After` (seconds or an HTTP date) as a delay in ms, capped at one hour; None if unusable.

    The value comes from any receiver: any characters, any length. Only ASCII digits are seconds and
    only a date `email.utils` understands is a date; everything else is ignored, never an error.
    """
    if value is None or len(value) > MAX_RETRY_AFTER_CHARS:
        return None
    value = value.strip(" \t")
    if _DELAY_SECONDS.fullmatch(value):
        delay_ms = int(value) * 1000
    else:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        try:
            delay_ms = round(moment.timestamp() * 1000) - now_ms
        except (OverflowError, ValueError, OSError):
            return None
    return max(0, min(delay_ms, MAX_RETRY_AFTER_MS))


def retry_delay_ms(failures: int, schedule_ms: Sequence[int], jitter: float) -> int | None:
    """The wait after the `failures`-th failed attempt, or None when the schedule is exhausted.

    `jitter` is a number in [-1, 1] chosen by the caller (random in production, fixed in tests).
    """
    if failures < 1 or failures > len(schedule_ms):
        return None
    base = schedule_ms[failures - 1]
    factor = 1 + JITTER * max(-1.0, min(1.0, jitter))
    return max(0, round(base * factor))


@dataclass(frozen=True)
class RetryPolicy:
    """How a batch is tried again: the waits of the retry schedule, then a probe per interval on hold."""

    schedule_ms: tuple[int, ...]
    probe_interval_ms: int

    def decide(
        self,
        status: int | None,
        attempts: int,
        on_hold: bool,
        now: int,
        retry_after_ms: int | None = None,
        jitter: float = 0.0,
    ) -> Decision:
        """The outcome of an attempt that got `status` (None: timeout or connection error).

        `attempts` counts the attempts of the current schedule including this one; `on_hold` makes a
        failed attempt a failed probe; `jitter` is in [-1, 1], chosen by the caller (random in
        production, fixed in tests).
        """
        if is_success(status):
            return Decision(Outcome.DELIVERED)
        if status == 410:
            # The receiver says the endpoint is gone for good: stop sending, keep the batch for a resume.
            return Decision(Outcome.DISABLED)
        if not is_retryable(status):
            # 3xx (redirects are not followed) and other 4xx: the receiver refuses this batch; move on.
            return Decision(Outcome.FAILED)
        if on_hold:
            return Decision(Outcome.PROBE_FAILED, now + self.probe_interval_ms)
        delay = retry_delay_ms(attempts, self.schedule_ms, jitter)
        if delay is None:
            return Decision(Outcome.ON_HOLD, now + self.probe_interval_ms)
        if retry_after_ms is not None:
            delay = max(delay, retry_after_ms)
        return Decision(Outcome.RETRY, now + delay)


def batch_ready(
    pending: int, max_batch_size: int, oldest_registered_at: int | None, max_wait_ms: int, now: int
) -> bool:
    """True when a batch should be cut: it is full, or its oldest event has waited `max_wait_ms`."""
    if pending <= 0 or oldest_registered_at is None:
        return False
    return pending >= max_batch_size or now >= oldest_registered_at + max_wait_ms


def expiry_cutoff(now: int, retention_ms: int) -> int:
    """Events registered before this instant have waited longer than the retention and expire."""
    return now - retention_ms


def signing_secrets(
    secret: str, previous: str | None, previous_expires_at: int | None, now: int
) -> tuple[str, ...]:
    """The secrets that sign a request at `now`: the current one, plus the previous during the overlap."""
    if previous and previous_expires_at is not None and now < previous_expires_at:
        return (secret, previous)
    return (secret,)


def hold_reason(attempts: int, status: int | None, error: str | None) -> str:
    """A human explanation of why a subscription went on hold."""
    last = f"HTTP {status}" if status is not None else (error or "no response")
    return f"{attempts} attempts failed; last: {last}"


HMAC_SECRET_PREFIX = "whsec_"
HMAC_SECRET_BYTES = 32
_SECRET_TEXT = re.compile(r"whsec_[A-Za-z0-9+/]{43}=")
"""`whsec_` + standard base64 of 32 bytes: 43 characters and one `=` of padding."""


def secret_refusal(secret: str, algorithm: SignatureAlgorithm) -> str | None:
    """Why a secret brought by the customer cannot sign this subscription, or None when it can."""
    if algorithm is SignatureAlgorithm.ED25519:
        return "An ed25519 subscription signs with a key pair pairhub makes; it takes no `secret`."
    if not _SECRET_TEXT.fullmatch(secret):
        return "A secret is `whsec_` + base64 of 32 random bytes (as `openssl rand -base64 32` prints)."
    return None
