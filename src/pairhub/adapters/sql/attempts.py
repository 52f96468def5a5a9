"""The delivery attempt log on SQL: appended in bulk, read per batch and summed per bucket of time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, func, insert, select

from pairhub.adapters.sql import subscription_rows as convert
from pairhub.adapters.sql.precompiled import PrecompiledWrite
from pairhub.adapters.sql.tables import attempts, batches
from pairhub.domain.overview import DeliveryBucket, Latency, add_attempts, nearest_rank
from pairhub.domain.subscriptions import Attempt

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

    def per_bucket(
        self, subscription_id: str, start: int, end: int, bucket_ms: int
    ) -> dict[int, DeliveryBucket]:
        """A subscription's attempts in [start, end) summed per bucket (one GROUP BY on the time index)."""
        a = attempts.c
        bucket = (a.attempted_at - start) // bucket_ms
        query = (
            select(bucket, a.outcome, func.count(), func.sum(batches.c.event_count))
            .select_from(attempts.join(batches, batches.c.id == a.batch_id))
            .where(a.subscription_id == subscription_id, a.attempted_at >= start, a.attempted_at < end)
            .group_by(bucket, a.outcome)
        )
        found: dict[int, DeliveryBucket] = {}
        for index, outcome, count, events_sent in self._connection.execute(query):
            at = start + int(index) * bucket_ms
            found[at] = add_attempts(
                found.get(at, DeliveryBucket(at)), outcome, int(count), int(events_sent or 0)
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
