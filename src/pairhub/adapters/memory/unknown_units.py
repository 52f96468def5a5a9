"""Unknown units in memory."""

from __future__ import annotations

from collections.abc import Sequence

from pairhub.adapters.memory.state import MemoryState
from pairhub.domain.unknown_units import UnknownUnit


class MemoryUnknownUnits:
    """Unknown unit ids by id."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> dict[str, UnknownUnit]:
        return self._state.table("unknown_units", dict)

    def note(self, seen: Sequence[UnknownUnit], limit: int) -> int:
        """Add these sightings; keep at most `limit` ids (the least recently seen go); returns the evicted."""
        rows = self._rows
        for sighting in seen:
            earlier = rows.get(sighting.unit_id)
            rows[sighting.unit_id] = sighting if earlier is None else earlier.then(sighting)
        excess = len(rows) - limit
        for unit in sorted(rows.values(), key=lambda row: (row.last_seen, row.unit_id))[: max(0, excess)]:
            del rows[unit.unit_id]
        return max(0, excess)

    def list(self, after: str | None, limit: int) -> list[UnknownUnit]:
        """The ids not provisioned since, most recently seen first, after the id `after`."""
        provisioned: dict[str, object] = self._state.table("units", dict)
        ordered = sorted(
            (row for row in self._rows.values() if row.unit_id not in provisioned),
            key=lambda row: (row.last_seen, row.unit_id),
            reverse=True,
        )
        if after is not None:
            mark = self._rows.get(after)
            if mark is None:
                return []
            ordered = [
                row for row in ordered if (row.last_seen, row.unit_id) < (mark.last_seen, mark.unit_id)
            ]
        return ordered[:limit]

    def forget(self, unit_id: str) -> None:
        """Drop one id (it was provisioned)."""
        self._rows.pop(unit_id, None)
