"""Webhook subscriptions and their batches as records, and the delivery state machine in one place.

Every change of a subscription's delivery state (an attempt's outcome, pause, resume, expiry, a
redelivery, a cut) is a function here that takes records and returns new ones; the services and the
worker load, call one of these, and save.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from pairhub.domain.delivery import (
    DEFAULT_SIGNATURE_HEADER,
    MAX_BATCH_SIZE,
    MAX_CUSTOM_HEADERS,
    MAX_WAIT_MS,
    ROTATION_OVERLAP_MS,
    BatchStatus,
    Decision,
    Outcome,
    SignatureAlgorithm,
    SubscriptionState,
    hold_reason,
)
from pairhub.domain.records import evolve

T = TypeVar("T")

ERROR_CHARS = 500
"""Error texts are stored up to this length (the column's size)."""

GONE_REASON = "The receiver answered 410 Gone."

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


def pause(subscription: Subscription) -> Subscription:
    """Stop delivering; events keep buffering behind the cursor."""
    return replace(subscription, state=SubscriptionState.PAUSED, on_hold_since=None, on_hold_reason=None)


def resume(
    subscription: Subscription, pending: Sequence[Batch], now: int
) -> tuple[Subscription, list[Batch]]:
    """Back to active at once: the held batches are due now, with a fresh retry schedule."""
    batches = [_fresh_schedule(batch, now) for batch in pending]
    resumed = replace(
        subscription,
        state=SubscriptionState.ACTIVE,
        on_hold_since=None,
        on_hold_reason=None,
        disabled_at=None,
        disabled_reason=None,
        next_attempt_at=now if pending else None,
        updated_at=now,
    )
    return resumed, batches


def receiver_answers(
    subscription: Subscription, pending: Sequence[Batch], now: int
) -> tuple[Subscription, list[Batch]]:
    """A test send was delivered: the receiver is back, so what waits for a retry or a probe is due now.

    Only an active or held subscription sends; the retry schedule goes on where it was.
    """
    if subscription.state not in (SubscriptionState.ACTIVE, SubscriptionState.ON_HOLD) or not pending:
        return subscription, []
    waiting = [b for b in pending if b.next_attempt_at is None or b.next_attempt_at > now]
    return replace(subscription, next_attempt_at=now), [replace(b, next_attempt_at=now) for b in waiting]


def _fresh_schedule(batch: Batch, now: int) -> Batch:
    """The batch due now on a new retry schedule; its attempts so far stay counted."""
    return replace(batch, earlier_attempts=batch.attempts, next_attempt_at=now)


def redeliver(subscription: Subscription, batch: Batch, now: int) -> tuple[Subscription, Batch]:
    """Queue a batch again (a finished one starts a fresh schedule); an active subscription sends it now.

    The counters hold each batch's events once, under its status: a finished batch queued again leaves
    its counter, and its next outcome counts it again (a redelivered batch is not delivered twice).
    """
    if batch.status is BatchStatus.PENDING:
        again = replace(batch, next_attempt_at=now)
    else:
        subscription = _uncounted(subscription, batch)
        again = replace(_fresh_schedule(batch, now), status=BatchStatus.PENDING, completed_at=None)
    if subscription.state is SubscriptionState.ACTIVE:
        subscription = replace(subscription, next_attempt_at=now)
    return subscription, again


_COUNTER_OF = {
    BatchStatus.DELIVERED: "events_delivered",
    BatchStatus.FAILED: "events_failed",
    BatchStatus.EXPIRED: "events_expired",
}
"""The subscription counter that holds the events of a batch finished with this status."""


def _uncounted(subscription: Subscription, batch: Batch) -> Subscription:
    """The subscription without a finished batch's events in the counter of its status."""
    counter = _COUNTER_OF[batch.status]
    # Never below zero: counts written before a repair of the history may hold less than the batch.
    return evolve(subscription, {counter: max(0, getattr(subscription, counter) - batch.event_count)})


def expire(subscription: Subscription, batch: Batch, now: int) -> tuple[Subscription, Batch]:
    """A pending batch whose events waited past the retention: finished as expired, and counted."""
    expired = replace(batch, status=BatchStatus.EXPIRED, completed_at=now, next_attempt_at=None)
    counted = replace(subscription, events_expired=subscription.events_expired + batch.event_count)
    return counted, expired


def skip_expired(subscription: Subscription, count: int, cursor: int) -> Subscription:
    """Events not yet in a batch that waited past the retention: stepped over, and counted."""
    return replace(subscription, cursor_seq=cursor, events_expired=subscription.events_expired + count)


def advance(subscription: Subscription, cursor: int, due_at: int | None) -> Subscription:
    """The cursor moved past a cut batch (or past events it does not ask for)."""
    return evolve(subscription, {"cursor_seq": cursor, "next_attempt_at": due_at})


def wait_until(subscription: Subscription, at: int | None) -> Subscription:
    """Nothing to send now: the subscription is due again at `at` (None: when events arrive)."""
    return evolve(subscription, {"next_attempt_at": at})


def apply(
    subscription: Subscription,
    batch: Batch,
    decision: Decision,
    *,
    status: int | None,
    error: str | None,
    now: int,
    others: Iterable[Batch] = (),
) -> tuple[Subscription, Batch]:
    """The consequence of one attempt on its batch and subscription.

    Delivered or failed finish the batch and count its events (and end a hold: the receiver answers
    again); 410 disables; exhausted retries put an active subscription on hold; a failed probe waits
    for the next one. `others` are the subscription's other pending batches, which decide when an
    active subscription is due next.
    """
    # Changes are collected and applied with one `replace` per record: this runs for every attempt.
    outcome = decision.outcome
    batch_changes: dict[str, Any] = {
        "attempts": batch.attempts + 1,
        "last_attempt_at": now,
        "last_status": status,
        "last_error": clip_error(error),
        "next_attempt_at": decision.next_attempt_at,
    }
    changes: dict[str, Any] = {}
    state = subscription.state
    finished = outcome in (Outcome.DELIVERED, Outcome.FAILED)
    if finished:
        batch_changes["completed_at"] = now
        if outcome is Outcome.DELIVERED:
            batch_changes["status"] = BatchStatus.DELIVERED
            changes["events_delivered"] = subscription.events_delivered + batch.event_count
        else:
            batch_changes["status"] = BatchStatus.FAILED
            changes["events_failed"] = subscription.events_failed + batch.event_count
        if state is SubscriptionState.ON_HOLD:
            state = SubscriptionState.ACTIVE
            changes.update(state=state, on_hold_since=None, on_hold_reason=None)
    elif outcome is Outcome.DISABLED:
        state = SubscriptionState.DISABLED
        changes.update(state=state, disabled_at=now, disabled_reason=GONE_REASON, next_attempt_at=None)
    elif outcome is Outcome.ON_HOLD and state is SubscriptionState.ACTIVE:
        state = SubscriptionState.ON_HOLD
        changes.update(
            state=state,
            on_hold_since=now,
            on_hold_reason=hold_reason(batch.scheduled_attempts + 1, status, error),
            next_attempt_at=decision.next_attempt_at,
        )
    elif outcome is Outcome.PROBE_FAILED:
        changes["next_attempt_at"] = decision.next_attempt_at
    if state is SubscriptionState.ACTIVE:
        waiting = [other.next_attempt_at for other in others if other.id != batch.id]
        if not finished:
            waiting.append(decision.next_attempt_at)
        changes["next_attempt_at"] = min((at for at in waiting if at is not None), default=None)
    return evolve(subscription, changes), evolve(batch, batch_changes)


def deferred(subscription: Subscription, batch: Batch, at: int) -> tuple[Subscription, Batch]:
    """When an outcome could not be applied: the batch stays pending and is tried again at `at`."""
    return replace(subscription, next_attempt_at=at), replace(batch, next_attempt_at=at)


def due(subscription: Subscription, now: int) -> bool:
    """True when a leased subscription may send now: active, or on hold with its probe due."""
    if subscription.state is SubscriptionState.ACTIVE:
        return True
    return subscription.state is SubscriptionState.ON_HOLD and (subscription.next_attempt_at or 0) <= now
