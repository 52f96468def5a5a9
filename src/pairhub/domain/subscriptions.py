"""Webhook subscriptions and their batches as records: their states, settings and delivery log.

The delivery state machine that moves them between these states is `delivery_machine`; the services
and the worker load records, call one of its transitions, and save.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from pairhub.domain.delivery import (
    DEFAULT_SIGNATURE_HEADER,
    MAX_BATCH_SIZE,
    MAX_CUSTOM_HEADERS,
    MAX_WAIT_MS,
    ROTATION_OVERLAP_MS,
    SignatureAlgorithm,
)

T = TypeVar("T")

ERROR_CHARS = 500
"""Error texts are stored up to this length (the column's size)."""

RECOVERIES_PER_EVENT = 1 << 16
"""How many times a subscription's events can be recovered (sent again): the log position packs both."""


def log_position(first_seq: int, recovery: int) -> int:
    """The delivery-log position of a batch (the inverse of `log_order`)."""
    return first_seq * RECOVERIES_PER_EVENT + recovery


def log_order(position: int) -> tuple[int, int]:
    """The (first event, recovery) of a delivery-log position."""
    return divmod(position, RECOVERIES_PER_EVENT)


def clip_error(error: str | None) -> str | None:
    """An error text as stored: None when empty, cut to `ERROR_CHARS`."""
    return error[:ERROR_CHARS] if error else None


class SubscriptionState(StrEnum):
    """Where a subscription stands in the delivery state machine (`delivery_machine`)."""

    ACTIVE = "active"
    PAUSED = "paused"
    ON_HOLD = "onHold"
    DISABLED = "disabled"


class BatchStatus(StrEnum):
    """Where a batch stands in the delivery state machine: pending until it ends one of three ways."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    EXPIRED = "expired"


@dataclass(frozen=True)
class SubscriptionSettings:
    """The defaults and caps of a subscription's settings: each number in one place."""

    max_batch_size: int = 100
    max_wait_ms: int = 500
    signature_header: str = DEFAULT_SIGNATURE_HEADER
    batch_size_cap: int = MAX_BATCH_SIZE
    wait_cap_ms: int = MAX_WAIT_MS
    custom_headers_cap: int = MAX_CUSTOM_HEADERS
    per_organization: int = 50
    """How many subscriptions one organization may have (`PAIRHUB_MAX_SUBSCRIPTIONS_PER_ORGANIZATION`)."""


DEFAULTS = SubscriptionSettings()


@dataclass(frozen=True)
class OAuth2ClientCredentials:
    """How pairhub obtains a bearer token for a receiver (RFC 6749 client credentials grant)."""

    token_url: str
    client_id: str
    client_secret: str
    scope: str | None = None


@dataclass(frozen=True)
class Subscription:
    """A webhook subscription: where and what to deliver, its state, cursor and counters."""

    id: str
    organization_id: str
    url: str
    event_version: int
    event_names: tuple[str, ...]
    max_batch_size: int
    max_wait_ms: int
    custom_headers: Mapping[str, str]
    description: str | None
    state: SubscriptionState
    secret: str
    created_at: int
    updated_at: int
    cursor_seq: int
    previous_secret: str | None = None
    previous_secret_expires_at: int | None = None
    on_hold_since: int | None = None
    on_hold_reason: str | None = None
    disabled_at: int | None = None
    disabled_reason: str | None = None
    next_attempt_at: int | None = None
    events_delivered: int = 0
    events_failed: int = 0
    events_expired: int = 0
    signature_header: str = DEFAULT_SIGNATURE_HEADER
    """The header that carries `sha256=<hex HMAC of the body>` (see `delivery.signature_header_refusal`)."""
    signature_algorithm: SignatureAlgorithm = SignatureAlgorithm.HMAC_SHA256
    """With ed25519, `secret` and `previous_secret` hold `whsk_` private keys instead of `whsec_` secrets."""
    auth: OAuth2ClientCredentials | None = None


def batch_time_ns(created_at: int) -> int:
    """A batch's `eventBatchTime` in nanoseconds: the millisecond it was cut."""
    return created_at * 1_000_000


@dataclass(frozen=True)
class Batch:
    """A frozen run of events of one subscription: the same id and body on every attempt.

    `body` is empty when the batch was read without it (lists, the delivery step's pending batches).
    """

    id: str
    subscription_id: str
    first_seq: int
    last_seq: int
    event_count: int
    oldest_event_at: int
    body: str
    created_at: int
    status: BatchStatus = BatchStatus.PENDING
    attempts: int = 0
    """Every attempt made on the batch, across redeliveries and resumes (what the delivery log shows)."""
    earlier_attempts: int = 0
    """The attempts made before the current retry schedule began (a redelivery or a resume starts one)."""
    next_attempt_at: int | None = None
    last_attempt_at: int | None = None
    last_status: int | None = None
    last_error: str | None = None
    completed_at: int | None = None
    event_version: int = 1
    """The payload version and event names the body was cut with: what rebuilds it from the outbox."""
    event_names: tuple[str, ...] = ()
    recovery: int = 0
    """0 for a batch cut from the cursor; n for a batch of the subscription's n-th recovery (sent again)."""

    @property
    def batch_time_ns(self) -> int:
        """`eventBatchTime`: when the batch was cut."""
        return batch_time_ns(self.created_at)

    @property
    def log_position(self) -> int:
        """Where the batch stands in the delivery log (newest first): by first event, then recovery."""
        return self.first_seq * RECOVERIES_PER_EVENT + self.recovery

    @property
    def scheduled_attempts(self) -> int:
        """The attempts of the current retry schedule: they decide the next delay and the hold."""
        return self.attempts - self.earlier_attempts


@dataclass(frozen=True)
class Attempt:
    """One logged delivery attempt; `outcome` is an `Outcome` value, `leaseLost` or `error`."""

    batch_id: str
    subscription_id: str
    attempted_at: int
    duration_ms: int
    status_code: int | None
    response_excerpt: str | None
    error: str | None
    outcome: str
    worker: str


LEASE_LOST = "leaseLost"
"""The outcome logged when another worker took the subscription over while the attempt was in flight."""

RECORDING_FAILED = "error"
"""The outcome logged when the attempt's consequence could not be applied (the batch is tried later)."""


@dataclass(frozen=True)
class SubscriptionChanges:
    """Settings to change; None leaves a field as it is (`description` and `auth` only with `set_…`).

    `custom_headers` is a patch, as header values are write-only: a value sets or replaces the header of
    that name (case-insensitively), None removes it, and headers not named are kept.
    """

    url: str | None = None
    event_version: int | None = None
    event_names: tuple[str, ...] | None = None
    max_batch_size: int | None = None
    max_wait_ms: int | None = None
    custom_headers: Mapping[str, str | None] | None = None
    description: str | None = None
    set_description: bool = False
    state: SubscriptionState | None = None
    signature_header: str | None = None
    auth: OAuth2ClientCredentials | None = None
    set_auth: bool = False


def change(subscription: Subscription, changes: SubscriptionChanges, now: int) -> Subscription:
    """The subscription with new settings (checked by the caller); the state is changed apart."""
    sub = subscription
    return replace(
        sub,
        url=_given(changes.url, sub.url),
        event_version=_given(changes.event_version, sub.event_version),
        event_names=_given(changes.event_names, sub.event_names),
        max_batch_size=_given(changes.max_batch_size, sub.max_batch_size),
        max_wait_ms=_given(changes.max_wait_ms, sub.max_wait_ms),
        custom_headers=merge_headers(sub.custom_headers, changes.custom_headers),
        description=changes.description if changes.set_description else sub.description,
        signature_header=_given(changes.signature_header, sub.signature_header),
        auth=changes.auth if changes.set_auth else sub.auth,
        updated_at=now,
    )


def merge_headers(current: Mapping[str, str], patch: Mapping[str, str | None] | None) -> Mapping[str, str]:
    """The custom headers after a patch: a value sets or replaces (any case of the name), None removes."""
    if patch is None:
        return current
    named = {name.lower() for name in patch}
    merged = {name: value for name, value in current.items() if name.lower() not in named}
    merged.update({name: value for name, value in patch.items() if value is not None})
    return merged


def _given(value: T | None, current: T) -> T:
    return current if value is None else value


def rotate(subscription: Subscription, secret: str, now: int) -> Subscription:
    """A new secret; the current one keeps signing beside it for the overlap."""
    return replace(
        subscription,
        secret=secret,
        previous_secret=subscription.secret,
        previous_secret_expires_at=now + ROTATION_OVERLAP_MS,
        updated_at=now,
    )
