"""Storage of webhook delivery: subscription leases, the event window of a cursor, batches, attempts."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from pairhub.adapters.sql.events import to_event
from pairhub.adapters.sql.tables import attempts, batches, events, organizations, subscriptions
from pairhub.domain.delivery import BatchStatus, SubscriptionState
from pairhub.domain.events import PairingEvent

ACTIVE = SubscriptionState.ACTIVE.value
ON_HOLD = SubscriptionState.ON_HOLD.value
PENDING = BatchStatus.PENDING.value


def claim(
    connection: Connection,
    worker: str,
    now: int,
    lease_ms: int,
    limit: int,
    busy: Collection[str] = (),
) -> list[str]:
    """Lease up to `limit` subscriptions that have due work and no live lease; return their ids.

    `busy` are subscriptions the caller has an attempt in flight for: never claimed again meanwhile, even
    if their lease ran out, so that one process never sends two batches of a subscription at once.

    On PostgreSQL `FOR UPDATE SKIP LOCKED` lets concurrent workers pass over rows another worker is
    claiming at this instant; the lease columns then keep the subscription theirs after commit.
    SQLite has one writer at a time (the caller's transaction is IMMEDIATE), which serializes claims.
    """
    if limit <= 0:
        return []
    s = subscriptions.c
    has_new_events = exists().where(
        events.c.organization_id == s.organization_id, events.c.seq > s.cursor_seq
    )
    due = or_(
        and_(
            s.state == ACTIVE,
            or_(
                and_(s.next_attempt_at.is_not(None), s.next_attempt_at <= now),
                and_(s.next_attempt_at.is_(None), has_new_events),
            ),
        ),
        and_(s.state == ON_HOLD, s.next_attempt_at <= now),
    )
    free = or_(s.lease_owner.is_(None), s.lease_expires_at <= now)
    query = (
        select(s.id)
        .join(organizations, organizations.c.id == s.organization_id)
        .where(due, free, organizations.c.datahub_subscription_active.is_(True))
        .where(s.id.not_in(list(busy)) if busy else true())
        # Least recently leased first, so busy subscriptions cannot starve the others.
        .order_by(func.coalesce(s.lease_expires_at, 0), s.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=subscriptions)
    )
    ids = [row.id for row in connection.execute(query)]
    if ids:
        connection.execute(
            update(subscriptions)
            .where(s.id.in_(ids))
            .values(lease_owner=worker, lease_expires_at=now + lease_ms)
        )
    return ids


def leased(connection: Connection, subscription_ids: Collection[str], worker: str) -> dict[str, RowMapping]:
    """The subscription rows that `worker` still holds, locked for this transaction, by id.

    Rows are locked in id order, the same order in every transaction, so that they cannot deadlock.
    """
    if not subscription_ids:
        return {}
    query = (
        select(subscriptions, organizations.c.datahub_subscription_active)
        .join(organizations, organizations.c.id == subscriptions.c.organization_id)
        .where(subscriptions.c.id.in_(list(subscription_ids)), subscriptions.c.lease_owner == worker)
        .order_by(subscriptions.c.id)
        .with_for_update(of=subscriptions)
    )
    return {row["id"]: row for row in connection.execute(query).mappings()}


def pending_of(connection: Connection, subscription_ids: Collection[str]) -> dict[str, list[RowMapping]]:
    """The pending batches of these subscriptions in event order (normally zero or one each)."""
    found: dict[str, list[RowMapping]] = {subscription_id: [] for subscription_id in subscription_ids}
    if subscription_ids:
        query = (
            select(batches)
            .where(batches.c.subscription_id.in_(list(subscription_ids)), batches.c.status == PENDING)
            .order_by(batches.c.subscription_id, batches.c.first_seq)
        )
        for row in connection.execute(query).mappings():
            found[row["subscription_id"]].append(row)
    return found


def batches_by_id(connection: Connection, batch_ids: Collection[str]) -> dict[str, RowMapping]:
    """These batches by id (a deleted one is missing)."""
    if not batch_ids:
        return {}
    query = select(batches).where(batches.c.id.in_(list(batch_ids)))
    return {row["id"]: row for row in connection.execute(query).mappings()}


def heads(connection: Connection, organization_ids: Collection[str]) -> dict[str, int]:
    """The newest event seq of each of these organizations (0 when it has none)."""
    if not organization_ids:
        return {}
    # One indexed max() per organization (a GROUP BY would scan every event of each organization).
    newest = (
        select(func.max(events.c.seq)).where(events.c.organization_id == organizations.c.id).scalar_subquery()
    )
    query = select(organizations.c.id, newest).where(organizations.c.id.in_(list(organization_ids)))
    return {organization_id: int(seq or 0) for organization_id, seq in connection.execute(query).all()}


def release(connection: Connection, subscription_ids: Collection[str], worker: str) -> None:
    """Give subscriptions back in one statement; lease_expires_at stays to order the next claims fairly."""
    if subscription_ids:
        connection.execute(
            update(subscriptions)
            .where(subscriptions.c.id.in_(list(subscription_ids)), subscriptions.c.lease_owner == worker)
            .values(lease_owner=None)
        )


def update_subscription(connection: Connection, subscription_id: str, **values: Any) -> None:
    """Change columns of a subscription."""
    connection.execute(update(subscriptions).where(subscriptions.c.id == subscription_id).values(**values))


def add_counter(connection: Connection, subscription_id: str, column: str, amount: int) -> None:
    """Add to one of the events_* counters of a subscription."""
    if amount:
        counter = subscriptions.c[column]
        connection.execute(
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id)
            .values({column: counter + amount})
        )


def head_seq(connection: Connection, organization_id: str) -> int:
    """The newest event seq of an organization (0 when it has none)."""
    value = connection.execute(
        select(func.max(events.c.seq)).where(events.c.organization_id == organization_id)
    ).scalar()
    return int(value or 0)


_WINDOW = (
    select(events)
    .where(
        events.c.organization_id == bindparam("organization_id"),
        events.c.seq > bindparam("after"),
        events.c.seq <= bindparam("upto"),
        events.c.event_type.in_(bindparam("event_types", expanding=True)),
    )
    .order_by(events.c.seq)
    .limit(bindparam("size"))
)
"""Built once: this read runs for every batch cut, and building a statement costs more than running it."""


def window(
    connection: Connection,
    organization_id: str,
    after: int,
    upto: int,
    event_types: Sequence[str],
    limit: int,
) -> list[tuple[int, PairingEvent]]:
    """Up to `limit` events of the given types in (after, upto], oldest first."""
    params = {
        "organization_id": organization_id,
        "after": after,
        "upto": upto,
        "event_types": list(event_types),
        "size": limit,
    }
    return [(row["seq"], to_event(row)) for row in connection.execute(_WINDOW, params).mappings()]


def count_after(connection: Connection, organization_id: str, after: int, event_types: Sequence[str]) -> int:
    """How many events of the given types follow the cursor."""
    query = select(func.count()).where(
        events.c.organization_id == organization_id,
        events.c.seq > after,
        events.c.event_type.in_(list(event_types)),
    )
    return int(connection.execute(query).scalar() or 0)


def pending_batches(connection: Connection, subscription_id: str) -> list[RowMapping]:
    """The subscription's pending batches in event order (normally zero or one)."""
    query = (
        select(batches)
        .where(batches.c.subscription_id == subscription_id, batches.c.status == PENDING)
        .order_by(batches.c.first_seq)
    )
    return list(connection.execute(query).mappings())


def pending_event_count(connection: Connection, subscription_id: str) -> int:
    """Events held in pending batches."""
    query = select(func.coalesce(func.sum(batches.c.event_count), 0)).where(
        batches.c.subscription_id == subscription_id, batches.c.status == PENDING
    )
    return int(connection.execute(query).scalar() or 0)


def batch(connection: Connection, batch_id: str) -> RowMapping | None:
    """One batch by id."""
    return connection.execute(select(batches).where(batches.c.id == batch_id)).mappings().first()


def update_batch(connection: Connection, batch_id: str, **values: Any) -> None:
    """Change columns of a batch."""
    connection.execute(update(batches).where(batches.c.id == batch_id).values(**values))


def list_batches(
    connection: Connection,
    subscription_id: str,
    status: str | None,
    before_first_seq: int | None,
    limit: int,
) -> list[RowMapping]:
    """Batches of a subscription, newest first, without their bodies."""
    columns = [c for c in batches.c if c.name != "body"]
    query = select(*columns).where(batches.c.subscription_id == subscription_id)
    if status is not None:
        query = query.where(batches.c.status == status)
    if before_first_seq is not None:
        query = query.where(batches.c.first_seq < before_first_seq)
    query = query.order_by(batches.c.first_seq.desc()).limit(limit)
    return list(connection.execute(query).mappings())


def attempts_of(
    connection: Connection, batch_ids: Sequence[str], per_batch: int
) -> dict[str, list[RowMapping]]:
    """The latest `per_batch` attempts of each batch, oldest first."""
    found: dict[str, list[RowMapping]] = {batch_id: [] for batch_id in batch_ids}
    for batch_id in batch_ids:
        query = (
            select(attempts)
            .where(attempts.c.batch_id == batch_id)
            .order_by(attempts.c.id.desc())
            .limit(per_batch)
        )
        found[batch_id] = list(reversed(list(connection.execute(query).mappings())))
    return found


def delete_subscription(connection: Connection, subscription_id: str) -> None:
    """Remove a subscription with its batches and attempt log."""
    connection.execute(delete(attempts).where(attempts.c.subscription_id == subscription_id))
    connection.execute(delete(batches).where(batches.c.subscription_id == subscription_id))
    connection.execute(delete(subscriptions).where(subscriptions.c.id == subscription_id))


def gauges(connection: Connection) -> tuple[int, int]:
    """(events waiting across all subscriptions, subscriptions on hold), for the metrics."""
    on_hold = int(
        connection.execute(
            select(func.count()).select_from(subscriptions).where(subscriptions.c.state == ON_HOLD)
        ).scalar()
        or 0
    )
    waiting = int(
        connection.execute(
            select(func.coalesce(func.sum(batches.c.event_count), 0)).where(batches.c.status == PENDING)
        ).scalar()
        or 0
    )
    rows = connection.execute(
        select(
            subscriptions.c.organization_id, subscriptions.c.cursor_seq, subscriptions.c.event_names
        ).where(subscriptions.c.state != SubscriptionState.DISABLED.value)
    ).all()
    for row in rows:
        waiting += count_after(connection, row.organization_id, row.cursor_seq, json.loads(row.event_names))
    return waiting, on_hold


@dataclass
class Writes:
    """Row writes of many subscriptions collected during a step, then applied a few statements at a time.

    Each row may be updated once per flush: the caller collects only the last write of a row.
    """

    subscriptions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    batches: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    new_batches: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def flush(self, connection: Connection) -> None:
        """Apply and forget everything collected: one executemany per table and set of columns."""
        if self.new_batches:
            connection.execute(insert(batches), self.new_batches)
        if self.attempts:
            connection.execute(insert(attempts), self.attempts)
        _update_each(connection, batches, self.batches)
        _update_each(connection, subscriptions, self.subscriptions)
        self.subscriptions, self.batches, self.new_batches, self.attempts = [], [], [], []


def _update_each(connection: Connection, table: Table, changes: list[tuple[str, dict[str, Any]]]) -> None:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in changes:
        params = {f"new_{name}": value for name, value in values.items()}
        groups.setdefault(tuple(sorted(values)), []).append({"row_id": row_id, **params})
    for columns, rows in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(f"new_{name}") for name in columns})
        )
        connection.execute(statement, rows)
