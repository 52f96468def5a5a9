"""The delivery attempt log on SQL: appended in bulk, read per batch and summed per hour."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import Connection, case, func, insert, select

from pairhub.adapters.sql import subscription_rows as convert
from pairhub.adapters.sql.precompiled import PrecompiledWrite
from pairhub.adapters.sql.tables import attempts, batches
from pairhub.domain.delivery import Outcome
from pairhub.domain.overview import DeliveryHour, Latency, nearest_rank
from pairhub.domain.subscriptions import Attempt

DELIVERED = Outcome.DELIVERED.value
_ADD = PrecompiledWrite(
    insert(attempts),
    (
        "batch_id",
        "subscription_id",
        "attempted_at",
        "duration_ms",
        "status_code",
        "response_excerpt",
        "error",
        "outcome",
        "worker",
    ),
)


class SqlAttempts:
    """The attempt log of one SQL transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add_many(self, logged: Sequence[Attempt]) -> None:
        """Append attempts: one executemany."""
        _ADD.run_many(
            self._connection,
            [
                (
                    a.batch_id,
                    a.subscription_id,
                    a.attempted_at,
                    a.duration_ms,
                    a.status_code,
                    a.response_excerpt,
                    a.error,
                    a.outcome,
                    a.worker,
                )
                for a in logged
            ],
        )

    def latest(self, batch_ids: Sequence[str], per_batch: int) -> dict[str, list[Attempt]]:
        """The latest `per_batch` attempts of each batch, oldest first."""
        found: dict[str, list[Attempt]] = {}
        for batch_id in batch_ids:
            query = (
                select(attempts)
                .where(attempts.c.batch_id == batch_id)
                .order_by(attempts.c.id.desc())
                .limit(per_batch)
            )
            rows = [convert.to_attempt(row) for row in self._connection.execute(query).mappings()]
            found[batch_id] = rows[::-1]
        return found

    def hourly(self, subscription_id: str, start: int, end: int, hour_ms: int) -> dict[int, DeliveryHour]:
        """A subscription's attempts in [start, end) summed per hour (one GROUP BY on the time index)."""
        a = attempts.c
        hour = (a.attempted_at - start) // hour_ms
        delivered = case((a.outcome == DELIVERED, 1), else_=0)
        query = (
            select(hour, delivered, func.count(), func.sum(batches.c.event_count))
            .select_from(attempts.join(batches, batches.c.id == a.batch_id))
            .where(a.subscription_id == subscription_id, a.attempted_at >= start, a.attempted_at < end)
            .group_by(hour, delivered)
        )
        found: dict[int, DeliveryHour] = {}
        for index, ok, count, events_sent in self._connection.execute(query):
            at = start + int(index) * hour_ms
            so_far = found.get(at, DeliveryHour(at))
            sent = int(events_sent or 0)
            found[at] = replace(
                so_far,
                attempts=so_far.attempts + int(count),
                events_delivered=so_far.events_delivered + (sent if ok else 0),
                events_failed=so_far.events_failed + (0 if ok else sent),
            )
        return found

    def latency(self, subscription_id: str, start: int, end: int) -> Latency:
        """Median and 95th percentile attempt duration in [start, end), by nearest rank (no float maths)."""
        a = attempts.c
        window = (a.subscription_id == subscription_id, a.attempted_at >= start, a.attempted_at < end)
        count = int(self._connection.execute(select(func.count()).where(*window)).scalar() or 0)
        if count == 0:
            return Latency(0, None, None)

        def at_rank(percentile: int) -> int:
            query = (
                select(a.duration_ms)
                .where(*window)
                .order_by(a.duration_ms)
                .offset(nearest_rank(count, percentile))
                .limit(1)
            )
            return int(self._connection.execute(query).scalar() or 0)

        return Latency(count, at_rank(50), at_rank(95))
