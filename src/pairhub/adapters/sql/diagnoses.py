"""The diagnoses of auto-pairing attempts on SQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, func, insert, select

from pairhub.adapters.diagnosis_codec import dump_candidates, dump_removed, load_candidates, load_removed
from pairhub.adapters.sql.precompiled import PrecompiledWrite
from pairhub.adapters.sql.tables import pairing_diagnoses as table
from pairhub.domain.diagnosis import Diagnosis, Rule

_INSERT = PrecompiledWrite(
    insert(table),
    (
        "organization_id",
        "unit_id",
        "at",
        "outcome",
        "rule",
        "raw_vin",
        "normalized_vin",
        "removed",
        "invalid_reason",
        "candidates",
        "check_digit_valid",
        "asset_id",
    ),
)


def _record(row: RowMapping) -> Diagnosis:
    return Diagnosis(
        organization_id=row["organization_id"],
        unit_id=row["unit_id"],
        at=row["at"],
        outcome=row["outcome"],
        raw_vin=row["raw_vin"],
        normalized_vin=row["normalized_vin"],
        removed=load_removed(row["removed"]),
        rule=Rule(row["rule"]),
        invalid_reason=row["invalid_reason"],
        candidates=load_candidates(row["candidates"]),
        check_digit_valid=row["check_digit_valid"],
        asset_id=row["asset_id"],
        id=row["id"],
    )


class SqlDiagnoses:
    """The pairing_diagnoses table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add_many(self, diagnoses: Sequence[Diagnosis]) -> None:
        """Insert the diagnoses of a transaction's attempts in one executemany."""
        _INSERT.run_many(
            self._connection,
            [
                (
                    d.organization_id,
                    d.unit_id,
                    d.at,
                    d.outcome,
                    d.rule.value,
                    d.raw_vin,
                    d.normalized_vin[:200],
                    dump_removed(d.removed),
                    d.invalid_reason,
                    dump_candidates(d.candidates),
                    d.check_digit_valid,
                    d.asset_id,
                )
                for d in diagnoses
            ],
        )

    def of_unit(self, organization_id: str, unit_id: str, before: int | None, limit: int) -> list[Diagnosis]:
        """A unit's diagnoses newest first, before the `before` id when given."""
        query = (
            select(table)
            .where(table.c.organization_id == organization_id, table.c.unit_id == unit_id)
            .order_by(table.c.id.desc())
            .limit(limit)
        )
        if before is not None:
            query = query.where(table.c.id < before)
        return [_record(row) for row in self._connection.execute(query).mappings()]

    def oldest_id(self, organization_id: str, unit_id: str) -> int | None:
        """The id of the unit's oldest diagnosis still held (None when it holds none)."""
        query = select(func.min(table.c.id)).where(
            table.c.organization_id == organization_id, table.c.unit_id == unit_id
        )
        value = self._connection.execute(query).scalar()
        return None if value is None else int(value)

    def delete_of_unit(self, unit_id: str) -> None:
        """Forget a deleted unit's diagnoses, so a unit provisioned again under its id starts clean."""
        self._connection.execute(table.delete().where(table.c.unit_id == unit_id))
