"""Rows of the delivery tables as records and back: the one place that knows their columns."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import RowMapping

from pairhub.adapters.sql.secret_columns import SECRET_COLUMNS, SecretColumns
from pairhub.domain.delivery import SignatureAlgorithm
from pairhub.domain.subscriptions import (
    Attempt,
    Batch,
    BatchStatus,
    OAuth2ClientCredentials,
    Subscription,
    SubscriptionState,
)

OAUTH2_CLIENT_CREDENTIALS = "oauth2ClientCredentials"


def _auth_columns(auth: OAuth2ClientCredentials | None, sub_id: str, sealed: SecretColumns) -> dict[str, Any]:
    """The receiver's credentials as the `auth` JSON and the client secret's own column."""
    if auth is None:
        return {"auth": None, "auth_client_secret": None}
    settings = {"type": OAUTH2_CLIENT_CREDENTIALS, "tokenUrl": auth.token_url, "clientId": auth.client_id}
    if auth.scope is not None:
        settings["scope"] = auth.scope
    secret = sealed.seal_secret(sub_id, "auth_client_secret", auth.client_secret)
    return {"auth": json.dumps(settings), "auth_client_secret": secret}


def _auth(row: RowMapping, sealed: SecretColumns) -> OAuth2ClientCredentials | None:
    if row["auth"] is None:
        return None
    settings = json.loads(row["auth"])
    return OAuth2ClientCredentials(
        token_url=settings["tokenUrl"],
        client_id=settings["clientId"],
        client_secret=sealed.open_secret(row["id"], "auth_client_secret", row["auth_client_secret"]),
        scope=settings.get("scope"),
    )


def subscription_values(subscription: Subscription, sealed: SecretColumns) -> dict[str, Any]:
    """The columns of a subscription, its secrets encrypted."""
    sub_id = subscription.id
    return {
        **_auth_columns(subscription.auth, subscription.id, sealed),
        "signature_algorithm": subscription.signature_algorithm.value,
        "id": subscription.id,
        "organization_id": subscription.organization_id,
        "url": subscription.url,
        "event_version": subscription.event_version,
        "event_names": json.dumps(list(subscription.event_names)),
        "max_batch_size": subscription.max_batch_size,
        "max_wait_ms": subscription.max_wait_ms,
        "custom_headers": sealed.seal_headers(sub_id, subscription.custom_headers),
        "signature_header": subscription.signature_header,
        "description": subscription.description,
        "state": subscription.state.value,
        "secret": sealed.seal_secret(sub_id, "secret", subscription.secret),
        "previous_secret": sealed.seal_secret(sub_id, "previous_secret", subscription.previous_secret),
        "previous_secret_expires_at": subscription.previous_secret_expires_at,
        "created_at": subscription.created_at,
        "updated_at": subscription.updated_at,
        "cursor_seq": subscription.cursor_seq,
        "on_hold_since": subscription.on_hold_since,
        "on_hold_reason": subscription.on_hold_reason,
        "disabled_at": subscription.disabled_at,
        "disabled_reason": subscription.disabled_reason,
        "next_attempt_at": subscription.next_attempt_at,
        "events_delivered": subscription.events_delivered,
        "events_failed": subscription.events_failed,
        "events_expired": subscription.events_expired,
    }


SUBSCRIPTION_STATE = (
    "url",
    "event_version",
    "event_names",
    "max_batch_size",
    "max_wait_ms",
    "custom_headers",
    "signature_header",
    "auth",
    "description",
    "state",
    "secret",
    "previous_secret",
    "previous_secret_expires_at",
    "updated_at",
    "cursor_seq",
    "on_hold_since",
    "on_hold_reason",
    "disabled_at",
    "disabled_reason",
    "next_attempt_at",
    "events_delivered",
    "events_failed",
    "events_expired",
)
"""The attributes a saved subscription may change (each its column, but `auth`: two columns)."""

_ENCODE: dict[str, Callable[[Any], Any]] = {
    "event_names": lambda names: json.dumps(list(names)),
    "state": lambda state: state.value,
}


def changed_columns(
    before: Subscription | None, after: Subscription, sealed: SecretColumns
) -> dict[str, Any]:
    """The columns whose values differ between two versions of a subscription (all without `before`)."""
    changed: dict[str, Any] = {}
    for name in SUBSCRIPTION_STATE:
        value = getattr(after, name)
        if before is not None and getattr(before, name) == value:
            continue
        if name == "auth":
            changed.update(_auth_columns(value, after.id, sealed))
        elif name == "custom_headers":
            changed[name] = sealed.seal_headers(after.id, value)
        elif name in SECRET_COLUMNS:
            changed[name] = sealed.seal_secret(after.id, name, value)
        else:
            encode = _ENCODE.get(name)
            changed[name] = value if encode is None else encode(value)
    return changed


@functools.lru_cache(maxsize=4096)
def _event_names(text: str) -> tuple[str, ...]:
    # Parsed once per distinct value: every step reads every leased subscription.
    return tuple(json.loads(text))


def to_subscription(row: RowMapping, sealed: SecretColumns) -> Subscription:
    """A subscription from its row, its secrets decrypted."""
    sub_id = row["id"]
    return Subscription(
        id=row["id"],
        organization_id=row["organization_id"],
        url=row["url"],
        event_version=row["event_version"],
        event_names=_event_names(row["event_names"]),
        max_batch_size=row["max_batch_size"],
        max_wait_ms=row["max_wait_ms"],
        custom_headers=sealed.open_headers(sub_id, row["custom_headers"]),
        description=row["description"],
        state=SubscriptionState(row["state"]),
        secret=sealed.open_secret(sub_id, "secret", row["secret"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        cursor_seq=row["cursor_seq"],
        previous_secret=(
            None
            if row["previous_secret"] is None
            else sealed.open_secret(sub_id, "previous_secret", row["previous_secret"])
        ),
        previous_secret_expires_at=row["previous_secret_expires_at"],
        on_hold_since=row["on_hold_since"],
        on_hold_reason=row["on_hold_reason"],
        disabled_at=row["disabled_at"],
        disabled_reason=row["disabled_reason"],
        next_attempt_at=row["next_attempt_at"],
        events_delivered=row["events_delivered"],
        events_failed=row["events_failed"],
        events_expired=row["events_expired"],
        signature_header=row["signature_header"],
        signature_algorithm=SignatureAlgorithm(row["signature_algorithm"]),
        auth=_auth(row, sealed),
    )


def to_batch(row: RowMapping, with_body: bool = True) -> Batch:
    """A batch from its row (an empty body when it was read without)."""
    return Batch(
        id=row["id"],
        subscription_id=row["subscription_id"],
        first_seq=row["first_seq"],
        last_seq=row["last_seq"],
        event_count=row["event_count"],
        oldest_event_at=row["oldest_event_at"],
        body=row["body"] if with_body else "",
        created_at=row["created_at"],
        status=BatchStatus(row["status"]),
        attempts=row["attempts"],
        earlier_attempts=row["earlier_attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_attempt_at=row["last_attempt_at"],
        last_status=row["last_status"],
        last_error=row["last_error"],
        completed_at=row["completed_at"],
        event_version=row["event_version"] or 1,
        event_names=tuple(json.loads(row["event_names"])) if row["event_names"] else (),
        recovery=row["recovery"],
    )


def to_attempt(row: RowMapping) -> Attempt:
    """An attempt from its row."""
    return Attempt(
        batch_id=row["batch_id"],
        subscription_id=row["subscription_id"],
        attempted_at=row["attempted_at"],
        duration_ms=row["duration_ms"],
        status_code=row["status_code"],
        response_excerpt=row["response_excerpt"],
        error=row["error"],
        outcome=row["outcome"],
        worker=row["worker"],
    )


BATCH_STATE = (
    "status",
    "attempts",
    "earlier_attempts",
    "next_attempt_at",
    "last_attempt_at",
    "last_status",
    "last_error",
    "completed_at",
)
"""The columns of a batch that change after it is cut."""


def batch_state(batch: Batch) -> tuple[Any, ...]:
    """The values of a batch's `BATCH_STATE` columns, in that order."""
    return (
        batch.status.value,
        batch.attempts,
        batch.earlier_attempts,
        batch.next_attempt_at,
        batch.last_attempt_at,
        batch.last_status,
        batch.last_error,
        batch.completed_at,
    )
