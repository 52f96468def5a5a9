"""Request and response bodies of the webhook subscription endpoints, and the rows turned into them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import RowMapping

from pairhub.entrypoints.api.presenters import iso
from pairhub.entrypoints.api.schemas import Strict
from pairhub.services.subscriptions import (
    EVENT_GROUP,
    BatchView,
    SubscriptionView,
    custom_headers,
    event_names,
)

EventName = Literal["unit.paired", "unit.unpaired"]
State = Literal["active", "paused", "onHold", "disabled"]
BatchStatusName = Literal["pending", "delivered", "failed", "expired"]


class SubscriptionIn(Strict):
    """Create a webhook subscription."""

    url: str = Field(min_length=1, max_length=2048, description="https:// endpoint that receives batches.")
    eventGroup: Literal["asset"] = "asset"
    eventVersion: Literal[1, 2] = 1
    eventNames: list[EventName] = Field(min_length=1, max_length=2)
    maxBatchSize: int = Field(100, ge=1, le=500)
    maxWaitMs: int = Field(500, ge=0, le=60_000)
    customHeaders: dict[str, str] = Field(default_factory=dict, description="At most 5.")
    description: str | None = Field(None, max_length=500)


class SubscriptionPatch(Strict):
    """Change a subscription; `state` pauses (`paused`) or resumes (`active`) it."""

    url: str | None = Field(None, min_length=1, max_length=2048)
    eventVersion: Literal[1, 2] | None = None
    eventNames: list[EventName] | None = Field(None, min_length=1, max_length=2)
    maxBatchSize: int | None = Field(None, ge=1, le=500)
    maxWaitMs: int | None = Field(None, ge=0, le=60_000)
    customHeaders: dict[str, str] | None = None
    description: str | None = Field(None, max_length=500)
    state: Literal["active", "paused"] | None = None


PATCH_COLUMNS = {
    "url": "url",
    "eventVersion": "event_version",
    "eventNames": "event_names",
    "maxBatchSize": "max_batch_size",
    "maxWaitMs": "max_wait_ms",
    "customHeaders": "custom_headers",
    "description": "description",
    "state": "state",
}


class CountersOut(BaseModel):
    """What became of the subscription's events so far; expiries are never silent."""

    eventsDelivered: int
    eventsFailed: int
    eventsExpired: int


class SubscriptionOut(BaseModel):
    """A webhook subscription (its secret is shown only on creation and rotation)."""

    id: str
    organizationId: str
    url: str
    eventGroup: Literal["asset"]
    eventVersion: Literal[1, 2]
    eventNames: list[EventName]
    maxBatchSize: int
    maxWaitMs: int
    customHeaders: dict[str, str]
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
    row = view.row
    shown: dict[str, Any] = {
        "id": row["id"],
        "organizationId": row["organization_id"],
        "url": row["url"],
        "eventGroup": EVENT_GROUP,
        "eventVersion": row["event_version"],
        "eventNames": event_names(row),
        "maxBatchSize": row["max_batch_size"],
        "maxWaitMs": row["max_wait_ms"],
        "customHeaders": custom_headers(row),
        "description": row["description"],
        "state": row["state"],
        "createdAt": iso(row["created_at"]),
        "updatedAt": iso(row["updated_at"]),
        "onHoldSince": iso(row["on_hold_since"]),
        "onHoldReason": row["on_hold_reason"],
        "disabledAt": iso(row["disabled_at"]),
        "disabledReason": row["disabled_reason"],
        "nextAttemptAt": iso(row["next_attempt_at"]),
        "previousSecretExpiresAt": iso(row["previous_secret_expires_at"]),
        "backlogEvents": view.backlog,
        "counters": {
            "eventsDelivered": row["events_delivered"],
            "eventsFailed": row["events_failed"],
            "eventsExpired": row["events_expired"],
        },
    }
    if secret is not None:
        shown["secret"] = secret
    return shown


def attempt(row: RowMapping) -> dict[str, Any]:
    """One attempt of the log."""
    return {
        "attemptedAt": iso(row["attempted_at"]),
        "durationMs": row["duration_ms"],
        "statusCode": row["status_code"],
        "responseExcerpt": row["response_excerpt"],
        "error": row["error"],
        "outcome": row["outcome"],
        "worker": row["worker"],
    }


def batch(view: BatchView, with_body: bool = False) -> dict[str, Any]:
    """A batch of the delivery log."""
    row = view.row
    shown: dict[str, Any] = {
        "eventBatchId": row["id"],
        "subscriptionId": row["subscription_id"],
        "status": row["status"],
        "eventCount": row["event_count"],
        "firstCursor": str(row["first_seq"]),
        "lastCursor": str(row["last_seq"]),
        "createdAt": iso(row["created_at"]),
        "attempts": row["attempts"],
        "nextAttemptAt": iso(row["next_attempt_at"]),
        "lastAttemptAt": iso(row["last_attempt_at"]),
        "lastStatusCode": row["last_status"],
        "lastError": row["last_error"],
        "completedAt": iso(row["completed_at"]),
        "attemptLog": [attempt(a) for a in view.attempts],
    }
    if with_body:
        shown["body"] = row["body"]
    return shown


def patch_changes(given: dict[str, Any]) -> dict[str, Any]:
    """PATCH fields as column names."""
    return {PATCH_COLUMNS[key]: value for key, value in given.items()}
