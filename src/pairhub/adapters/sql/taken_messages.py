"""Digests of the MQTT messages taken, on SQL."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, delete, insert, select

from pairhub.adapters.sql.tables import mqtt_taken


class SqlTakenMessages:
    """The `mqtt_taken` table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def taken(self, digests: Collection[bytes]) -> set[bytes]:
        """Those of `digests` already taken."""
        if not digests:
            return set()
        query = select(mqtt_taken.c.digest).where(mqtt_taken.c.digest.in_(list(digests)))
        return {bytes(digest) for digest in self._connection.scalars(query)}

    def remember(self, digests: Collection[bytes], at_ms: int) -> None:
        """Note these messages as taken at `at_ms` (a digest taken before keeps its row)."""
        fresh = set(digests) - self.taken(digests)
        if fresh:
            rows = [{"digest": digest, "taken_at": at_ms} for digest in fresh]
            self._connection.execute(insert(mqtt_taken), rows)

    def keep_newest(self, count: int) -> int:
        """Forget all but the `count` newest digests (and those taken in the same millisecond as the
        last of them); how many were forgotten."""
        oldest_kept = (
            select(mqtt_taken.c.taken_at)
            .order_by(mqtt_taken.c.taken_at.desc())
            .offset(max(count, 1) - 1)
            .limit(1)
            .scalar_subquery()
        )
        result = self._connection.execute(delete(mqtt_taken).where(mqtt_taken.c.taken_at < oldest_kept))
        return int(result.rowcount or 0)
