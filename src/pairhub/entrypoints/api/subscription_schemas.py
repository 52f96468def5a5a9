"""Request and response bodies of the webhook subscription endpoints, and the rows turned into them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from pairhub.domain.delivery import SubscriptionState
from pairhub.domain.subscriptions import Attempt, SubscriptionChanges
from pairhub.entrypoints.api.presenters import iso
from pairhub.entrypoints.api.schemas import Strict
from pairhub.services.subscriptions import EVENT_GROUP, BatchView, SubscriptionView

EventName = Literal["unit.paired", "unit.unpaired"]
State = Literal["active", "paused", "onHold", "disabled"]
BatchStatusName = Literal["pending", "delivered", "failed", "expired"]


_SIGNATURE_HEADER_DOC = (
    "The header that carries `sha256=<hex HMAC-SHA256 of the raw body>`: any `X-` name pairhub does not"
    " set otherwise, e.g. `X-SCALAR-Signature` for a receiver written for the Datahub."
)


class SubscriptionIn(Strict):
    """Create a webhook subscription."""

    url: str = Field(min_length=1, max_length=2048, description="https:// endpoint that receives batches.")
    eventGroup: Literal["asset"] = "asset"
    eventVersion: Literal[1, 2] = 1
    eventNames: list[EventName] = Field(min_length=1, max_length=2)
    maxBatchSize: int = Field(100, ge=1, le=500)
    maxWaitMs: int = Field(500, ge=0, le=60_000)
    customHeaders: dict[str, str] = Field(
        default_factory=dict,
        description="At most 5, sent with every request. Values are write-only: responses name the headers "
        "(`customHeaderNames`), never their values.",
    )
    description: str | None = Field(None, max_length=500)
    signatureHeader: str = Field(
        "X-Signature-256", min_length=3, max_length=64, description=_SIGNATURE_HEADER_DOC
    )


class SubscriptionPatch(Strict):
    """Change a subscription; `state` pauses (`paused`) or resumes (`active`) it."""

    url: str | None = Field(None, min_length=1, max_length=2048)
    eventVersion: Literal[1, 2] | None = None
    eventNames: list[EventName] | None = Field(None, min_length=1, max_length=2)
    maxBatchSize: int | None = Field(None, ge=1, le=500)
    maxWaitMs: int | None = Field(None, ge=0, le=60_000)
    customHeaders: dict[str, str | None] | None = Field(
        None,
        description="A patch of the write-only headers: a value sets or replaces the header of that name "
        "(case-insensitively), `null` removes it, headers not named are kept.",
    )
    description: str | None = Field(None, max_length=500)
    state: Literal["active", "paused"] | None = None
    signatureHeader: str | None = Field(None, min_length=3, max_length=64, description=_SIGNATURE_HEADER_DOC)


class CountersOut(BaseModel):
    """What became of the subscription's events so far; expiries are never silent."""

    eventsDelivered: int
    eventsFailed: int
    eventsExpired: int


class SubscriptionOut(BaseModel):
    """A webhook subscription (its secret is shown only on creation and rotation, header values never)."""

    id: str
    organizationId: str
    url: str
    eventGroup: Literal["asset"]
    eventVersion: Literal[1, 2]
    eventNames: list[EventName]
    maxBatchSize: int
    maxWaitMs: int
    customHeaderNames: list[str] = Field(
        description="The names of the custom headers; their values are write-only and never shown."
    )
    signatureHeader: str = Field(description=_SIGNATURE_HEADER_DOC)
    description: str | None
    state: State
    createdAt: str
    updatedAt: str
    onHoldSince: str | None
    onHoldReason: str | None
    disabledAt: str | None
    disabledReason: str | None
    nextAttemptAt: str | None
    previousSecretExpiresAt: str | None
    backlogEvents: int
    counters: CountersOut


class SubscriptionSecretOut(SubscriptionOut):
    """A subscription with its new signing secret, shown this once."""

    secret: str


class AttemptOut(BaseModel):
    """One delivery attempt."""

    attemptedAt: str
    durationMs: int
    statusCode: int | None
    responseExcerpt: str | None
    error: str | None
    outcome: str
    worker: str


class BatchOut(BaseModel):
    """A batch of the delivery log with its latest attempts."""

    eventBatchId: str
    subscriptionId: str
    status: BatchStatusName
    eventCount: int
    firstCursor: str
    lastCursor: str
    createdAt: str
    attempts: int
    nextAttemptAt: str | None
    lastAttemptAt: str | None
    lastStatusCode: int | None
    lastError: str | None
    completedAt: str | None
    attemptLog: list[AttemptOut]


class BatchDetailOut(BatchOut):
    """A batch with the exact body every attempt sends."""

    body: str


class TestDeliveryOut(BaseModel):
    """What the receiver answered to a sample batch."""

    eventBatchId: str
    delivered: bool
    statusCode: int | None
    latencyMs: int
    responseExcerpt: str
    error: str | None


def subscription(view: SubscriptionView, secret: str | None = None) -> dict[str, Any]:
    """A subscription as the API shows it."""
    sub = view.record
    shown: dict[str, Any] = {
        "id": sub.id,
        "organizationId": sub.organization_id,
        "url": sub.url,
        "eventGroup": EVENT_GROUP,
        "eventVersion": sub.event_version,
        "eventNames": list(sub.event_names),
        "maxBatchSize": sub.max_batch_size,
        "maxWaitMs": sub.max_wait_ms,
        "customHeaderNames": list(sub.custom_headers),
        "signatureHeader": sub.signature_header,
        "description": sub.description,
        "state": sub.state.value,
        "createdAt": iso(sub.created_at),
        "updatedAt": iso(sub.updated_at),
        "onHoldSince": iso(sub.on_hold_since),
        "onHoldReason": sub.on_hold_reason,
        "disabledAt": iso(sub.disabled_at),
        "disabledReason": sub.disabled_reason,
        "nextAttemptAt": iso(sub.next_attempt_at),
        "previousSecretExpiresAt": iso(sub.previous_secret_expires_at),
        "backlogEvents": view.backlog,
        "counters": {
            "eventsDelivered": sub.events_delivered,
            "eventsFailed": sub.events_failed,
            "eventsExpired": sub.events_expired,
        },
    }
    if secret is not None:
        shown["secret"] = secret
    return shown


def attempt(logged: Attempt) -> dict[str, Any]:
    """One attempt of the log."""
    return {
        "attemptedAt": iso(logged.attempted_at),
        "durationMs": logged.duration_ms,
        "statusCode": logged.status_code,
        "responseExcerpt": logged.response_excerpt,
        "error": logged.error,
        "outcome": logged.outcome,
        "worker": logged.worker,
    }


def batch(view: BatchView, with_body: bool = False) -> dict[str, Any]:
    """A batch of the delivery log."""
    record = view.record
    shown: dict[str, Any] = {
        "eventBatchId": record.id,
        "subscriptionId": record.subscription_id,
        "status": record.status.value,
        "eventCount": record.event_count,
        "firstCursor": view.first_cursor,
        "lastCursor": view.last_cursor,
        "createdAt": iso(record.created_at),
        "attempts": record.attempts,
        "nextAttemptAt": iso(record.next_attempt_at),
        "lastAttemptAt": iso(record.last_attempt_at),
        "lastStatusCode": record.last_status,
        "lastError": record.last_error,
        "completedAt": iso(record.completed_at),
        "attemptLog": [attempt(a) for a in view.attempts],
    }
    if with_body:
        shown["body"] = record.body
    return shown


def patch_changes(given: dict[str, Any]) -> SubscriptionChanges:
    """PATCH fields (as given, `description` possibly null) as typed changes."""
    names = given.get("eventNames")
    state = given.get("state")
    return SubscriptionChanges(
        url=given.get("url"),
        event_version=given.get("eventVersion"),
        event_names=tuple(names) if names is not None else None,
        max_batch_size=given.get("maxBatchSize"),
        max_wait_ms=given.get("maxWaitMs"),
        custom_headers=given.get("customHeaders"),
        description=given.get("description"),
        set_description="description" in given,
        signature_header=given.get("signatureHeader"),
        state=SubscriptionState(state) if state is not None else None,
    )
