"""Storage of webhook delivery: subscription leases, the event window of a cursor, batches, attempts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from pairhub.adapters.db.outbox import to_event
from pairhub.adapters.db.tables import attempts, batches, events, organizations, subscriptions
from pairhub.domain.delivery import BatchStatus, SubscriptionState
from pairhub.domain.events import PairingEvent

ACTIVE = SubscriptionState.ACTIVE.value
ON_HOLD = SubscriptionState.ON_HOLD.value
PENDING = BatchStatus.PENDING.value


def claim(connection: Connection, worker: str, now: int, lease_ms: int, limit: int) -> list[str]:
    """Lease up to `limit` subscriptions that have due work and no live lease; return their ids.

    On PostgreSQL `FOR UPDATE SKIP LOCKED` lets concurrent workers pass over rows another worker is
    claiming at this instant; the lease columns then keep the subscription theirs after commit.
    SQLite has one writer at a time (the caller's transaction is IMMEDIATE), which serializes claims.
    """
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


def leased(connection: Connection, subscription_id: str, worker: str) -> RowMapping | None:
    """The subscription row locked for this transaction, if `worker` still holds its lease."""
    query = (
        select(subscriptions, organizations.c.datahub_subscription_active)
        .join(organizations, organizations.c.id == subscriptions.c.organization_id)
        .where(subscriptions.c.id == subscription_id, subscriptions.c.lease_owner == worker)
        .with_for_update(of=subscriptions)
    )
    return connection.execute(query).mappings().first()


def renew(connection: Connection, subscription_id: str, worker: str, until: int) -> None:
    """Extend the lease of `worker`."""
    connection.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id, subscriptions.c.lease_owner == worker)
        .values(lease_expires_at=until)
    )


def release(connection: Connection, subscription_id: str, worker: str) -> None:
    """Give the subscription back; lease_expires_at stays to order the next claims fairly."""
    connection.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id, subscriptions.c.lease_owner == worker)
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


def window(
    connection: Connection,
    organization_id: str,
    after: int,
    upto: int,
    event_types: Sequence[str],
    limit: int,
) -> list[tuple[int, PairingEvent]]:
    """Up to `limit` events of the given types in (after, upto], oldest first."""
    query = (
        select(events)
        .where(
            events.c.organization_id == organization_id,
            events.c.seq > after,
            events.c.seq <= upto,
            events.c.event_type.in_(list(event_types)),
        )
        .order_by(events.c.seq)
        .limit(limit)
    )
    return [(row["seq"], to_event(row)) for row in connection.execute(query).mappings()]


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


def insert_batch(connection: Connection, values: dict[str, Any]) -> None:
    """Store a new frozen batch."""
    connection.execute(insert(batches), values)


def batch(connection: Connection, batch_id: str) -> RowMapping | None:
    """One batch by id."""
    return connection.execute(select(batches).where(batches.c.id == batch_id)).mappings().first()


def update_batch(connection: Connection, batch_id: str, **values: Any) -> None:
    """Change columns of a batch."""
    connection.execute(update(batches).where(batches.c.id == batch_id).values(**values))


def insert_attempt(connection: Connection, values: dict[str, Any]) -> None:
    """Log one attempt."""
    connection.execute(insert(attempts), values)


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
