"""The pairing history on SQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, insert, or_, select, update

from pairhub.adapters.sql.precompiled import PrecompiledWrite
from pairhub.adapters.sql.tables import pairings
from pairhub.domain.pairings import PairingRecord
from pairhub.domain.units import Unit

_OPEN = PrecompiledWrite(
    insert(pairings), ("organization_id", "unit_id", "asset_id", "paired_at", "paired_by", "paired_via")
)


def _record(row: RowMapping) -> PairingRecord:
    return PairingRecord(
        seq=row["seq"],
        organization_id=row["organization_id"],
        unit_id=row["unit_id"],
        asset_id=row["asset_id"],
        paired_at=row["paired_at"],
        paired_by=row["paired_by"],
        paired_via=row["paired_via"],
        unpaired_at=row["unpaired_at"],
        unpaired_by=row["unpaired_by"],
        unpaired_via=row["unpaired_via"],
    )


class SqlPairings:
    """The pairings table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def open(self, paired: Sequence[Unit], paired_by: str, paired_via: str) -> None:
        """Start the entries of these just-paired units in one statement."""
        _OPEN.run_many(
            self._connection,
            [
                (unit.organization_id, unit.id, unit.asset_id, unit.paired_at, paired_by, paired_via)
                for unit in paired
            ],
        )

    def close(
        self, organization_id: str, unit_id: str, at: int, unpaired_by: str, unpaired_via: str
    ) -> PairingRecord:
        """End the unit's open entry and return it."""
        open_entry = (
            pairings.c.organization_id == organization_id,
            pairings.c.unit_id == unit_id,
            pairings.c.unpaired_at.is_(None),
        )
        seq = self._connection.execute(select(pairings.c.seq).where(*open_entry)).scalar_one()
        self._connection.execute(
            update(pairings)
            .where(pairings.c.seq == seq)
            .values(unpaired_at=at, unpaired_by=unpaired_by, unpaired_via=unpaired_via)
        )
        return _record(
            self._connection.execute(select(pairings).where(pairings.c.seq == seq)).mappings().one()
        )

    def search(
        self, organization_id: str, unit_id: str | None, after: int, limit: int
    ) -> list[PairingRecord]:
        """Entries oldest first after the `after` seq, optionally of one unit."""
        query = (
            select(pairings)
            .where(pairings.c.organization_id == organization_id, pairings.c.seq > after)
            .order_by(pairings.c.seq)
            .limit(limit)
        )
        if unit_id:
            query = query.where(pairings.c.unit_id == unit_id)
        return [_record(row) for row in self._connection.execute(query).mappings()]

    def as_of(
        self, organization_id: str, at: int, after_unit_id: str | None, limit: int
    ) -> list[PairingRecord]:
        """Entries in force at `at` (paired at or before it, not yet unpaired), by unit id after a cursor."""
        # A pairing covers the half-open interval [paired_at, unpaired_at): at the instant of an unpair
        # the unit is no longer paired, so an unpair and a re-pair at one instant never overlap.
        query = (
            select(pairings)
            .where(
                pairings.c.organization_id == organization_id,
                pairings.c.paired_at <= at,
                or_(pairings.c.unpaired_at.is_(None), pairings.c.unpaired_at > at),
            )
            .order_by(pairings.c.unit_id, pairings.c.seq)
            .limit(limit)
        )
        if after_unit_id:
            query = query.where(pairings.c.unit_id > after_unit_id)
        return [_record(row) for row in self._connection.execute(query).mappings()]
