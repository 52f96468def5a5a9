"""Webhook subscriptions of the Datahub portal: create, change, pause, resume, rotate, the delivery log."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select

from pairhub.adapters.http.signing import new_secret
from pairhub.adapters.http.ssrf import TargetGuard, TargetRefused
from pairhub.adapters.sql import delivery_store as store
from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.tables import subscriptions
from pairhub.contract.render import EVENTS_BY_VERSION, offers
from pairhub.domain import delivery
from pairhub.domain.delivery import BatchStatus, SubscriptionState
from pairhub.domain.errors import Forbidden, Invalid, NotFound
from pairhub.ports import Clock
from pairhub.services import organizations
from pairhub.services.pagination import Page, paginate

EVENT_GROUP = "asset"
ATTEMPTS_SHOWN_PER_BATCH = 10


@dataclass(frozen=True)
class SubscriptionView:
    """A subscription with the number of events waiting for it."""

    row: RowMapping
    backlog: int


@dataclass(frozen=True)
class BatchView:
    """A batch of the delivery log with its latest attempts (and its body when asked for one batch)."""

    row: RowMapping
    attempts: Sequence[RowMapping]


def event_names(row: RowMapping) -> list[str]:
    """The event names a subscription row asks for."""
    names: list[str] = json.loads(row["event_names"])
    return names


def custom_headers(row: RowMapping) -> dict[str, str]:
    """The custom headers of a subscription row."""
    headers: dict[str, str] = json.loads(row["custom_headers"])
    return headers


def _missing(subscription_id: str) -> NotFound:
    return NotFound("subscription_not_found", f"Subscription {subscription_id} does not exist.")


def _check_events(version: int, names: Sequence[str]) -> None:
    if version not in EVENTS_BY_VERSION:
        raise Invalid("unsupported_event_version", f"eventVersion {version} does not exist; use 1 or 2.")
    if not names:
        raise Invalid("event_names_required", "Subscribe to at least one event name.")
    if len(set(names)) != len(names):
        raise Invalid("duplicate_event_name", "Each event name may appear once.")
    for name in names:
        if not offers(version, name):
            offered = ", ".join(EVENTS_BY_VERSION[version])
            raise Invalid(
                "event_not_offered",
                f"eventVersion {version} offers {offered}; `{name}` is not one of them.",
                eventName=name,
            )


def _check_limits(max_batch_size: int, max_wait_ms: int) -> None:
    if not 1 <= max_batch_size <= delivery.MAX_BATCH_SIZE:
        raise Invalid("invalid_batch_size", f"maxBatchSize must be 1 to {delivery.MAX_BATCH_SIZE}.")
    if not 0 <= max_wait_ms <= delivery.MAX_WAIT_MS:
        raise Invalid("invalid_max_wait", f"maxWaitMs must be 0 to {delivery.MAX_WAIT_MS}.")


def _check_headers(headers: Mapping[str, str]) -> None:
    if len(headers) > delivery.MAX_CUSTOM_HEADERS:
        raise Invalid(
            "too_many_custom_headers", f"At most {delivery.MAX_CUSTOM_HEADERS} custom headers are allowed."
        )
    if len({name.lower() for name in headers}) != len(headers):
        raise Invalid("invalid_custom_header", "Custom header names must differ (case-insensitively).")
    for name, value in headers.items():
        refusal = delivery.header_refusal(name, value)
        if refusal is not None:
            code = "reserved_header" if "cannot be overridden" in refusal else "invalid_custom_header"
            raise Invalid(code, refusal, header=name)


class Subscriptions:
    """Use cases of the webhook subscriptions of an organization."""

    def __init__(self, database: Database, clock: Clock, guard: TargetGuard) -> None:
        self._database = database
        self._clock = clock
        self._guard = guard

    def _check_url(self, url: str) -> None:
        try:
            self._guard.check_url(url)
        except TargetRefused as refused:
            raise Invalid(
                "webhook_target_refused", f"The webhook URL is refused: {refused.reason}."
            ) from None

    @staticmethod
    def _organization(connection: Connection, organization_id: str) -> None:
        row = organizations.load(connection, organization_id)
        if not row.datahub_subscription_active:
            raise Forbidden(
                "datahub_subscription_inactive",
                "Webhook subscriptions need an active Datahub subscription for this organization.",
            )

    def _load(
        self, connection: Connection, organization_id: str, subscription_id: str, for_update: bool = False
    ) -> RowMapping:
        self._organization(connection, organization_id)
        query = select(subscriptions).where(
            subscriptions.c.id == subscription_id, subscriptions.c.organization_id == organization_id
        )
        if for_update:
            query = query.with_for_update()
        row = connection.execute(query).mappings().first()
        if row is None:
            raise _missing(subscription_id)
        return row

    def _view(self, connection: Connection, row: RowMapping) -> SubscriptionView:
        backlog = store.pending_event_count(connection, row["id"]) + store.count_after(
            connection, row["organization_id"], row["cursor_seq"], event_names(row)
        )
        return SubscriptionView(row, backlog)

    def create(
        self,
        organization_id: str,
        *,
        url: str,
        event_version: int,
        names: Sequence[str],
        max_batch_size: int = 100,
        max_wait_ms: int = 500,
        headers: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> tuple[SubscriptionView, str]:
        """Create a subscription; only events registered from now on are delivered to it.

        Returns the subscription and its secret, which is shown this once.
        """
        headers = dict(headers or {})
        _check_events(event_version, names)
        _check_limits(max_batch_size, max_wait_ms)
        _check_headers(headers)
        with self._database.read() as connection:
            self._organization(connection, organization_id)
        self._check_url(url)
        secret = new_secret()
        now = self._clock.now_ms()
        subscription_id = str(uuid.uuid4())
        with self._database.write() as connection:
            self._organization(connection, organization_id)
            connection.execute(
                insert(subscriptions),
                {
                    "id": subscription_id,
                    "organization_id": organization_id,
                    "url": url,
                    "event_version": event_version,
                    "event_names": json.dumps(list(names)),
                    "max_batch_size": max_batch_size,
                    "max_wait_ms": max_wait_ms,
                    "custom_headers": json.dumps(headers),
                    "description": description,
                    "state": SubscriptionState.ACTIVE.value,
                    "secret": secret,
                    "created_at": now,
                    "updated_at": now,
                    # Every event committed so far is "the past" (the feed serves it); on PostgreSQL
                    # the outbox's per-organization lock makes every seq up to this max visible.
                    "cursor_seq": store.head_seq(connection, organization_id),
                    "events_delivered": 0,
                    "events_failed": 0,
                    "events_expired": 0,
                },
            )
            row = self._load(connection, organization_id, subscription_id)
            return self._view(connection, row), secret

    def list(self, organization_id: str, after: str | None, limit: int) -> Page[SubscriptionView]:
        """The organization's subscriptions by id."""
        query = (
            select(subscriptions)
            .where(subscriptions.c.organization_id == organization_id)
            .order_by(subscriptions.c.id)
            .limit(limit + 1)
        )
        if after:
            query = query.where(subscriptions.c.id > after)
        with self._database.read() as connection:
            self._organization(connection, organization_id)
            rows = list(connection.execute(query).mappings())
            views = [self._view(connection, row) for row in rows]
        return paginate(views, limit, lambda view: str(view.row["id"]))

    def get(self, organization_id: str, subscription_id: str) -> SubscriptionView:
        """One subscription."""
        with self._database.read() as connection:
            return self._view(connection, self._load(connection, organization_id, subscription_id))

    def update(
        self, organization_id: str, subscription_id: str, changes: Mapping[str, Any]
    ) -> SubscriptionView:
        """Change settings (keys are column names) and/or `state` (active or paused)."""
        changes = dict(changes)
        state = changes.pop("state", None)
        if "url" in changes:
            self._check_url(str(changes["url"]))
        with self._database.write() as connection:
            row = self._load(connection, organization_id, subscription_id, for_update=True)
            version = int(changes.get("event_version", row["event_version"]))
            names = changes.get("event_names", event_names(row))
            _check_events(version, names)
            _check_limits(
                int(changes.get("max_batch_size", row["max_batch_size"])),
                int(changes.get("max_wait_ms", row["max_wait_ms"])),
            )
            if "custom_headers" in changes:
                _check_headers(changes["custom_headers"])
                changes["custom_headers"] = json.dumps(changes["custom_headers"])
            if "event_names" in changes:
                changes["event_names"] = json.dumps(list(changes["event_names"]))
            now = self._clock.now_ms()
            store.update_subscription(connection, subscription_id, updated_at=now, **changes)
            if state == SubscriptionState.PAUSED.value:
                store.update_subscription(
                    connection,
                    subscription_id,
                    state=SubscriptionState.PAUSED.value,
                    on_hold_since=None,
                    on_hold_reason=None,
                )
            elif state == SubscriptionState.ACTIVE.value:
                self._activate(connection, subscription_id, now)
            row = self._load(connection, organization_id, subscription_id)
            return self._view(connection, row)

    def delete(self, organization_id: str, subscription_id: str) -> None:
        """Delete a subscription and its delivery log; nothing more is sent to it."""
        with self._database.write() as connection:
            self._load(connection, organization_id, subscription_id, for_update=True)
            store.delete_subscription(connection, subscription_id)

    def rotate_secret(self, organization_id: str, subscription_id: str) -> tuple[SubscriptionView, str]:
        """A new secret (returned once); the current one keeps signing alongside it for 24 hours."""
        secret = new_secret()
        with self._database.write() as connection:
            row = self._load(connection, organization_id, subscription_id, for_update=True)
            now = self._clock.now_ms()
            store.update_subscription(
                connection,
                subscription_id,
                secret=secret,
                previous_secret=row["secret"],
                previous_secret_expires_at=now + delivery.ROTATION_OVERLAP_MS,
                updated_at=now,
            )
            row = self._load(connection, organization_id, subscription_id)
            return self._view(connection, row), secret

    def resume(self, organization_id: str, subscription_id: str) -> SubscriptionView:
        """Back to active at once: a held batch is sent now with a fresh retry schedule."""
        with self._database.write() as connection:
            self._load(connection, organization_id, subscription_id, for_update=True)
            self._activate(connection, subscription_id, self._clock.now_ms())
            row = self._load(connection, organization_id, subscription_id)
            return self._view(connection, row)

    @staticmethod
    def _activate(connection: Connection, subscription_id: str, now: int) -> None:
        pending = store.pending_batches(connection, subscription_id)
        for batch in pending:
            store.update_batch(connection, batch["id"], attempts=0, next_attempt_at=now)
        store.update_subscription(
            connection,
            subscription_id,
            state=SubscriptionState.ACTIVE.value,
            on_hold_since=None,
            on_hold_reason=None,
            disabled_at=None,
            disabled_reason=None,
            next_attempt_at=now if pending else None,
            updated_at=now,
        )

    def batches(
        self,
        organization_id: str,
        subscription_id: str,
        status: str | None,
        after: int | None,
        limit: int,
    ) -> Page[BatchView]:
        """The delivery log, newest batch first, each with its latest attempts."""
        with self._database.read() as connection:
            self._load(connection, organization_id, subscription_id)
            rows = store.list_batches(connection, subscription_id, status, after, limit + 1)
            shown = rows[:limit]
            attempts = store.attempts_of(connection, [r["id"] for r in shown], ATTEMPTS_SHOWN_PER_BATCH)
        views = [BatchView(row, attempts[row["id"]]) for row in rows]
        return paginate(views, limit, lambda view: str(view.row["first_seq"]))

    def _batch(self, connection: Connection, subscription_id: str, batch_id: str) -> RowMapping:
        row = store.batch(connection, batch_id)
        if row is None or row["subscription_id"] != subscription_id:
            raise NotFound("batch_not_found", f"Batch {batch_id} does not exist.")
        return row

    def batch(self, organization_id: str, subscription_id: str, batch_id: str) -> BatchView:
        """One batch with its frozen body and its latest attempts."""
        with self._database.read() as connection:
            self._load(connection, organization_id, subscription_id)
            row = self._batch(connection, subscription_id, batch_id)
            attempts = store.attempts_of(connection, [batch_id], 100)[batch_id]
        return BatchView(row, attempts)

    def redeliver(self, organization_id: str, subscription_id: str, batch_id: str) -> BatchView:
        """Queue a batch to be sent again with the same `eventBatchId` and the same bytes."""
        with self._database.write() as connection:
            subscription = self._load(connection, organization_id, subscription_id, for_update=True)
            row = self._batch(connection, subscription_id, batch_id)
            now = self._clock.now_ms()
            values: dict[str, Any] = {"next_attempt_at": now}
            if row["status"] != BatchStatus.PENDING.value:
                values.update(status=BatchStatus.PENDING.value, attempts=0, completed_at=None)
            store.update_batch(connection, batch_id, **values)
            if subscription["state"] == SubscriptionState.ACTIVE.value:
                store.update_subscription(connection, subscription_id, next_attempt_at=now)
            row = self._batch(connection, subscription_id, batch_id)
            attempts = store.attempts_of(connection, [batch_id], ATTEMPTS_SHOWN_PER_BATCH)[batch_id]
        return BatchView(row, attempts)
