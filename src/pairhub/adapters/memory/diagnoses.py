"""The diagnoses of auto-pairing attempts in memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pairhub.adapters.memory.state import MemoryState
from pairhub.domain.diagnosis import Diagnosis


class MemoryDiagnoses:
    """Diagnoses in id order."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> list[Diagnosis]:
        return self._state.table("pairing_diagnoses", list)

    def add_many(self, diagnoses: Sequence[Diagnosis]) -> None:
        """Store the diagnoses of a transaction's attempts."""
        for diagnosis in diagnoses:
            self._rows.append(replace(diagnosis, id=self._state.next_seq("pairing_diagnoses")))

    def of_unit(self, organization_id: str, unit_id: str, before: int | None, limit: int) -> list[Diagnosis]:
        """A unit's diagnoses newest first, before the `before` id when given."""
        found = [
            d
            for d in reversed(self._rows)
            if d.organization_id == organization_id
            and d.unit_id == unit_id
            and (before is None or d.id < before)
        ]
        return found[:limit]

    def oldest_id(self, organization_id: str, unit_id: str) -> int | None:
        """The id of the unit's oldest diagnosis still held (None when it holds none)."""
        return next(
            (d.id for d in self._rows if d.organization_id == organization_id and d.unit_id == unit_id), None
        )

    def delete_of_unit(self, unit_id: str) -> None:
        """Forget a deleted unit's diagnoses."""
        rows = self._rows
        rows[:] = [d for d in rows if d.unit_id != unit_id]
