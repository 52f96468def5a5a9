"""Frozen batches of the webhook subscriptions on SQL: bulk writes, pending reads without bodies, and
bodies rebuilt from the events outbox when they were not stored.

The worker's statements are built once at import (building a statement costs more than running it on
the hot path) and run as one executemany per step.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import replace

from sqlalchemy import (
    Connection,
    RowMapping,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)

from pairhub.adapters.sql import subscription_rows as convert
from pairhub.adapters.sql.events import SqlEvents
from pairhub.adapters.sql.precompiled import Precompiled, PrecompiledWrite
from pairhub.adapters.sql.tables import batches, subscriptions
from pairhub.contract.render import envelope_json
from pairhub.domain.subscriptions import Batch, BatchStatus, log_order, log_position
from pairhub.ports import EventQuery

PENDING = BatchStatus.PENDING.value

_SAVE_BATCH = PrecompiledWrite(
    update(batches)
    .where(batches.c.id == bindparam("row_id"))
    .values({name: bindparam(f"new_{name}") for name in convert.BATCH_STATE}),
    (*(f"new_{name}" for name in convert.BATCH_STATE), "row_id"),
)
_ADD_BATCH = PrecompiledWrite(
    insert(batches),
    (
        "id",
        "subscription_id",
        "first_seq",
        "last_seq",
        "event_count",
        "oldest_event_at",
        "body",
        "event_version",
        "event_names",
        "created_at",
        "recovery",
        *convert.BATCH_STATE,
    ),
)
_PENDING_OF = Precompiled(
    select(*(column for column in batches.c if column.name != "body"))
    .where(batches.c.subscription_id.in_(bindparam("ids", expanding=True)), batches.c.status == PENDING)
    # Batches cut from the cursor first, then each recovery's in order (SPEC: after the pending ones).
    .order_by(batches.c.subscription_id, batches.c.recovery, batches.c.first_seq)
)
_BATCHES_BY_ID = (
    select(batches, subscriptions.c.organization_id)
    .join(subscriptions, subscriptions.c.id == batches.c.subscription_id)
    .where(batches.c.id.in_(bindparam("ids", expanding=True)))
)


class SqlBatches:
    """Batches of one SQL transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._events = SqlEvents(connection)

    def add_many(self, new: Sequence[Batch]) -> None:
        """Insert new batches: one executemany."""
        rows = [
            (
                b.id,
                b.subscription_id,
                b.first_seq,
                b.last_seq,
                b.event_count,
                b.oldest_event_at,
                "",
                b.event_version,
                json.dumps(list(b.event_names)),
                b.created_at,
                b.recovery,
                *convert.batch_state(b),
            )
            for b in new
        ]
        _ADD_BATCH.run_many(self._connection, rows)

    def get(self, batch_id: str) -> Batch | None:
        """One batch with its body, or None."""
        return self.get_many([batch_id]).get(batch_id)

    def get_many(self, batch_ids: Collection[str]) -> dict[str, Batch]:
        """These batches by id (a deleted one is missing)."""
        if not batch_ids:
            return {}
        rows = self._connection.execute(_BATCHES_BY_ID, {"ids": list(batch_ids)}).mappings()
        return {row["id"]: self._with_body(row) for row in rows}

    def _with_body(self, row: RowMapping) -> Batch:
        """The batch of `row`, its body rebuilt from the outbox unless it was stored."""
        batch = convert.to_batch(row)
        if batch.body:
            return batch
        query = EventQuery(
            row["organization_id"], batch.event_names, batch.event_count, batch.first_seq - 1, batch.last_seq
        )
        window = self._events.rendered(query, batch.event_version)
        if len(window) != batch.event_count:
            raise ValueError(f"batch {batch.id}: {len(window)} of its {batch.event_count} events are stored")
        fragments = [rendered.data for rendered in window]
        return replace(
            batch, body=envelope_json(batch.id, batch.subscription_id, batch.batch_time_ns, fragments)
        )

    def pending_of(self, subscription_ids: Collection[str]) -> dict[str, list[Batch]]:
        """The pending batches of each subscription in event order (normally zero or one), without bodies."""
        found: dict[str, list[Batch]] = {subscription_id: [] for subscription_id in subscription_ids}
        if subscription_ids:
            for row in _PENDING_OF.mappings(self._connection, {"ids": list(subscription_ids)}):
                found[row["subscription_id"]].append(convert.to_batch(row, with_body=False))
        return found

    def save_many(self, changed: Sequence[Batch]) -> None:
        """Write back changed batches: one executemany."""
        _SAVE_BATCH.run_many(self._connection, [(*convert.batch_state(b), b.id) for b in changed])

    def pending_events(self, subscription_id: str | None) -> int:
        """Events held in pending batches, of one subscription or (None) of all."""
        query = select(func.coalesce(func.sum(batches.c.event_count), 0)).where(batches.c.status == PENDING)
        if subscription_id is not None:
            query = query.where(batches.c.subscription_id == subscription_id)
        return int(self._connection.execute(query).scalar() or 0)

    def list(
        self, subscription_id: str, status: BatchStatus | None, before_position: int | None, limit: int
    ) -> list[Batch]:
        """Batches of a subscription, newest first, read without their bodies."""
        columns = [c for c in batches.c if c.name != "body"]
        query = select(*columns).where(batches.c.subscription_id == subscription_id)
        if status is not None:
            query = query.where(batches.c.status == status.value)
        if before_position is not None:
            first_seq, recovery = log_order(before_position)
            query = query.where(
                or_(
                    batches.c.first_seq < first_seq,
                    and_(batches.c.first_seq == first_seq, batches.c.recovery < recovery),
                )
            )
        query = query.order_by(batches.c.first_seq.desc(), batches.c.recovery.desc()).limit(limit)
        return [convert.to_batch(row, with_body=False) for row in self._connection.execute(query).mappings()]

    def oldest_position(self, subscription_id: str) -> int | None:
        """The delivery-log position of the subscription's oldest batch still held (None without one)."""
        query = (
            select(batches.c.first_seq, batches.c.recovery)
            .where(batches.c.subscription_id == subscription_id)
            .order_by(batches.c.first_seq, batches.c.recovery)
            .limit(1)
        )
        row = self._connection.execute(query).first()
        return None if row is None else log_position(int(row[0]), int(row[1]))

    def last_recovery(self, subscription_id: str) -> int:
        """The number of the subscription's latest recovery (0 when its events were never recovered)."""
        query = select(func.max(batches.c.recovery)).where(batches.c.subscription_id == subscription_id)
        return int(self._connection.execute(query).scalar() or 0)
