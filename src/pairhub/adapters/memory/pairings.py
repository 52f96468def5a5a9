"""The pairing history in memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pairhub.adapters.memory.state import MemoryState
from pairhub.domain.pairings import PairingRecord
from pairhub.domain.units import Unit


class MemoryPairings:
    """History entries in seq order."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> list[PairingRecord]:
        return self._state.table("pairings", list)

    def open(self, paired: Sequence[Unit], paired_by: str, paired_via: str) -> None:
        """Start the entries of these just-paired units."""
        for unit in paired:
            assert unit.asset_id is not None and unit.paired_at is not None
            self._rows.append(
                PairingRecord(
                    self._state.next_seq("pairings"),
                    unit.organization_id,
                    unit.id,
                    unit.asset_id,
                    unit.paired_at,
                    paired_by,
                    paired_via,
                )
            )

    def close(
        self, organization_id: str, unit_id: str, at: int, unpaired_by: str, unpaired_via: str
    ) -> PairingRecord:
        """End the unit's open entry and return it."""
        rows = self._rows
        position = next(
            index
            for index, entry in enumerate(rows)
            if entry.organization_id == organization_id
            and entry.unit_id == unit_id
            and entry.unpaired_at is None
        )
        rows[position] = replace(
            rows[position], unpaired_at=at, unpaired_by=unpaired_by, unpaired_via=unpaired_via
        )
        return rows[position]

    def search(
        self, organization_id: str, unit_id: str | None, after: int, limit: int
    ) -> list[PairingRecord]:
        """Entries oldest first after the `after` seq, optionally of one unit."""
        found = [
            entry
            for entry in self._rows
            if entry.organization_id == organization_id
            and entry.seq > after
            and (not unit_id or entry.unit_id == unit_id)
        ]
        return found[:limit]

    def as_of(
        self, organization_id: str, at: int, after_unit_id: str | None, limit: int
    ) -> list[PairingRecord]:
        """Entries in force at `at` (paired at or before it, not yet unpaired), by unit id after a cursor."""
        found = [
            entry
            for entry in self._rows
            if entry.organization_id == organization_id
            and entry.paired_at <= at
            and (entry.unpaired_at is None or entry.unpaired_at > at)
            and (not after_unit_id or entry.unit_id > after_unit_id)
        ]
        return sorted(found, key=lambda entry: (entry.unit_id, entry.seq))[:limit]
