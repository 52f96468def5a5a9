"""Unknown units on SQL: one upsert per flush, and a bound that evicts the least recently seen."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, exists, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from pairhub.adapters.sql.tables import units, unknown_units
from pairhub.domain.unknown_units import UnknownUnit

u = unknown_units.c


class SqlUnknownUnits:
    """The unknown_units table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def note(self, seen: Sequence[UnknownUnit], limit: int) -> int:
        """Add these sightings in one upsert; keep at most `limit` ids; returns how many were evicted."""
        if not seen:
            return 0
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(unknown_units)
        upsert = insert.on_conflict_do_update(
            index_elements=[u.unit_id],
            set_={
                "first_seen": func.min(u.first_seen, insert.excluded.first_seen)
                if dialect is sqlite
                else func.least(u.first_seen, insert.excluded.first_seen),
                "last_seen": func.max(u.last_seen, insert.excluded.last_seen)
                if dialect is sqlite
                else func.greatest(u.last_seen, insert.excluded.last_seen),
                "messages": u.messages + insert.excluded.messages,
            },
        )
        # Sorted: concurrent flushes of several processes lock the rows in one order (no deadlock).
        rows = sorted(seen, key=lambda unit: unit.unit_id)
        self._connection.execute(
            upsert,
            [
                {
                    "unit_id": r.unit_id,
                    "first_seen": r.first_seen,
                    "last_seen": r.last_seen,
                    "messages": r.messages,
                }
                for r in rows
            ],
        )
        kept = int(self._connection.execute(select(func.count()).select_from(unknown_units)).scalar() or 0)
        excess = kept - limit
        if excess <= 0:
            return 0
        oldest = select(u.unit_id).order_by(u.last_seen, u.unit_id).limit(excess).scalar_subquery()
        self._connection.execute(delete(unknown_units).where(u.unit_id.in_(oldest)))
        return excess

    def list(self, after: str | None, limit: int) -> list[UnknownUnit]:
        """The ids not provisioned since, most recently seen first, after the id `after`."""
        query = (
            select(u.unit_id, u.first_seen, u.last_seen, u.messages)
            .where(~exists().where(units.c.id == u.unit_id))
            .order_by(u.last_seen.desc(), u.unit_id.desc())
            .limit(limit)
        )
        if after is not None:
            mark = select(u.last_seen).where(u.unit_id == after).scalar_subquery()
            query = query.where(tuple_(u.last_seen, u.unit_id) < tuple_(mark, after))
        return [UnknownUnit(*row) for row in self._connection.execute(query)]

    def forget(self, unit_id: str) -> None:
        """Drop one id (it was provisioned)."""
        self._connection.execute(delete(unknown_units).where(u.unit_id == unit_id))
