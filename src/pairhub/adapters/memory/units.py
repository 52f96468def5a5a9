"""Units in memory: the same answers as `adapters/sql/units`, records replaced and never mutated."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from pairhub.adapters.memory.ordering import page_after
from pairhub.adapters.memory.state import MemoryState
from pairhub.domain.model import AutoPairingState
from pairhub.domain.organizations import Organization
from pairhub.domain.overview import UnitOrder
from pairhub.domain.units import WAITING_STATES, Activity, Standing, Unit, standing_of, with_activity

_UNIT_KEYS: dict[UnitOrder, Callable[[Unit], tuple[Any, ...]]] = {
    UnitOrder.ID: lambda unit: (),
    UnitOrder.LAST_SEEN: lambda unit: (unit.last_seen_at is None, -(unit.last_seen_at or 0)),
    UnitOrder.STATE: lambda unit: (unit.state.value,),
}


class MemoryUnits:
    """Units by id."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> dict[str, Unit]:
        # Looked up on each use: a rolled-back savepoint replaces the table.
        return self._state.table("units", dict)

    def add(self, unit: Unit) -> bool:
        """Insert a new unit; False when a unit with this id exists (in any organization)."""
        if unit.id in self._rows:
            return False
        self._rows[unit.id] = unit
        return True

    def get(self, organization_id: str, unit_id: str, *, lock: bool = False) -> Unit | None:
        """One unit of this organization, or None (the state's lock serializes writers)."""
        unit = self._rows.get(unit_id)
        return unit if unit is not None and unit.organization_id == organization_id else None

    def with_switch(self, unit_ids: Collection[str]) -> dict[str, tuple[Standing, bool]]:
        """These units' standing with their organization's auto-pairing switch."""
        organizations: dict[str, Organization] = self._state.table("organizations", dict)
        found: dict[str, tuple[Standing, bool]] = {}
        for unit_id in sorted(set(unit_ids)):
            unit = self._rows.get(unit_id)
            organization = None if unit is None else organizations.get(unit.organization_id)
            if unit is not None and organization is not None:
                found[unit_id] = (standing_of(unit), organization.auto_pairing_enabled)
        return found

    def lock_many(self, unit_ids: Collection[str]) -> dict[str, Unit]:
        """Read these units, in id order."""
        rows = self._rows
        return {unit_id: rows[unit_id] for unit_id in sorted(set(unit_ids)) if unit_id in rows}

    def save(self, unit: Unit) -> None:
        """Write back one changed unit."""
        if unit.id in self._rows:
            self._rows[unit.id] = unit

    def save_many(self, changed: Sequence[Unit]) -> None:
        """Write back changed units."""
        for unit in changed:
            self.save(unit)

    def delete(self, unit_id: str) -> None:
        """Remove a unit."""
        self._rows.pop(unit_id, None)

    def search(
        self,
        organization_id: str,
        paired: bool | None,
        state: str | None,
        after: str | None,
        limit: int,
        order: UnitOrder = UnitOrder.ID,
        text: str | None = None,
    ) -> list[Unit]:
        """Units of an organization in `order` after the unit `after`, by pairing, state or part of the id."""
        part = (text or "").casefold()
        found = (
            unit
            for unit in self._rows.values()
            if unit.organization_id == organization_id
            and (paired is None or unit.paired == paired)
            and (state is None or unit.state.value == state)
            and part in unit.id.casefold()
        )
        return page_after(found, self._rows, _UNIT_KEYS[order], after, limit)

    def count_by_state(self, organization_id: str) -> dict[tuple[bool, AutoPairingState], int]:
        """How many units of the organization there are per (paired, auto-pairing state)."""
        mine = (unit for unit in self._rows.values() if unit.organization_id == organization_id)
        return dict(Counter((unit.paired, unit.state) for unit in mine))

    def ids_by_asset(self, asset_ids: Collection[str]) -> dict[str, tuple[str, ...]]:
        """The ids of the units paired to each of these assets, sorted."""
        wanted = set(asset_ids)
        found: dict[str, list[str]] = defaultdict(list)
        for unit in sorted(self._rows.values(), key=lambda unit: unit.id):
            if unit.asset_id in wanted:
                found[unit.asset_id].append(unit.id)
        return {asset_id: tuple(unit_ids) for asset_id, unit_ids in found.items()}

    def any_due(self, now: int) -> bool:
        """True when some unit's next reminder is due at `now`."""
        return any(
            unit.next_reminder_at is not None and unit.next_reminder_at <= now for unit in self._rows.values()
        )

    def claim_due(self, now: int, limit: int) -> list[Unit]:
        """Up to `limit` due units, oldest slot first."""
        due = [
            unit
            for unit in self._rows.values()
            if unit.next_reminder_at is not None and unit.next_reminder_at <= now
        ]
        due.sort(key=lambda unit: (unit.next_reminder_at, unit.id))
        return due[:limit]

    def lock_waiting(self, organization_id: str) -> list[Unit]:
        """The organization's unpaired units waiting for an asset fix, by id."""
        return [unit for unit in self.lock_unpaired(organization_id) if unit.state in WAITING_STATES]

    def lock_unpaired(self, organization_id: str) -> list[Unit]:
        """The organization's unpaired units, by id."""
        return self.search(organization_id, False, None, None, len(self._rows))

    def record_activity(self, activity: Mapping[str, Activity]) -> None:
        """Apply buffered activity to many units."""
        rows = self._rows
        for unit_id, seen in activity.items():
            if unit_id in rows:
                rows[unit_id] = with_activity(rows[unit_id], seen)
