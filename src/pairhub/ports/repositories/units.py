"""Units, their pairing history, the diagnoses of their auto-pairing attempts, and the unit ids not
provisioned."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

from pairhub.domain.diagnosis import Diagnosis
from pairhub.domain.model import AutoPairingState
from pairhub.domain.overview import UnitOrder
from pairhub.domain.pairings import PairingRecord
from pairhub.domain.units import Activity, Standing, Unit
from pairhub.domain.unknown_units import UnknownUnit


class UnitRepository(Protocol):
    """Units; every method that locks takes the rows in id order, so writers never deadlock."""

    def add(self, unit: Unit) -> bool:
        """Insert a new unit; False when a unit with this id exists (in any organization)."""
        ...

    def get(self, organization_id: str, unit_id: str, *, lock: bool = False) -> Unit | None:
        """One unit of this organization, or None; `lock` holds it until the end of the unit of work."""
        ...

    def with_switch(self, unit_ids: Collection[str]) -> dict[str, tuple[Standing, bool]]:
        """These units with their organization's auto-pairing switch, in one query (the ingest read)."""
        ...

    def lock_many(self, unit_ids: Collection[str]) -> dict[str, Unit]:
        """Lock and read these units."""
        ...

    def save(self, unit: Unit) -> None:
        """Write back one changed unit."""
        ...

    def save_many(self, units: Sequence[Unit]) -> None:
        """Write back changed units in one statement."""
        ...

    def delete(self, unit_id: str) -> None:
        """Remove a unit."""
        ...

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
        ...

    def count_by_state(self, organization_id: str) -> dict[tuple[bool, AutoPairingState], int]:
        """How many units of the organization there are per (paired, auto-pairing state)."""
        ...

    def ids_by_asset(self, asset_ids: Collection[str]) -> dict[str, tuple[str, ...]]:
        """The ids of the units paired to each of these assets, sorted (assets without any left out)."""
        ...

    def any_due(self, now: int) -> bool:
        """True when some unit's next reminder is due at `now` (without taking a write lock)."""
        ...

    def claim_due(self, now: int, limit: int) -> list[Unit]:
        """Lock up to `limit` units whose reminder is due, oldest slot first, skipping locked ones."""
        ...

    def lock_waiting(self, organization_id: str) -> list[Unit]:
        """Lock the organization's unpaired units waiting for an asset fix (notFound, multipleMatchFound)."""
        ...

    def lock_unpaired(self, organization_id: str) -> list[Unit]:
        """Lock the organization's unpaired units."""
        ...

    def record_activity(self, activity: Mapping[str, Activity]) -> None:
        """Write buffered activity (seen time, last VIN, last location) of many units at once."""
        ...


class PairingRepository(Protocol):
    """The pairing history: one entry per pairing, closed when it ends."""

    def open(self, units: Sequence[Unit], paired_by: str, paired_via: str) -> None:
        """Start the entries of these just-paired units (their asset and pairing time)."""
        ...

    def close(
        self, organization_id: str, unit_id: str, at: int, unpaired_by: str, unpaired_via: str
    ) -> PairingRecord:
        """End the unit's open entry and return it."""
        ...

    def search(
        self, organization_id: str, unit_id: str | None, after: int, limit: int
    ) -> list[PairingRecord]:
        """Entries oldest first after the `after` seq, optionally of one unit."""
        ...

    def as_of(
        self, organization_id: str, at: int, after_unit_id: str | None, limit: int
    ) -> list[PairingRecord]:
        """Entries in force at `at` (paired at or before it, not yet unpaired), by unit id after a cursor."""
        ...


class DiagnosisRepository(Protocol):
    """The diagnostic records of auto-pairing attempts: why each ended as it did."""

    def add_many(self, diagnoses: Sequence[Diagnosis]) -> None:
        """Store the diagnoses of a transaction's attempts in one statement."""
        ...

    def of_unit(self, organization_id: str, unit_id: str, before: int | None, limit: int) -> list[Diagnosis]:
        """A unit's diagnoses newest first, before the `before` id when given."""
        ...

    def delete_of_unit(self, unit_id: str) -> None:
        """Forget a deleted unit's diagnoses."""
        ...

    def oldest_id(self, organization_id: str, unit_id: str) -> int | None:
        """The id of the unit's oldest diagnosis still held (None when it holds none)."""
        ...


class UnknownUnitRepository(Protocol):
    """Unit ids refused at ingest as not provisioned, bounded in number."""

    def note(self, seen: Sequence[UnknownUnit], limit: int) -> int:
        """Add these sightings; keep at most `limit` ids (the least recently seen go); returns the evicted."""
        ...

    def list(self, after: str | None, limit: int) -> list[UnknownUnit]:
        """The ids not provisioned since, most recently seen first, after the id `after`."""
        ...

    def forget(self, unit_id: str) -> None:
        """Drop one id (it was provisioned)."""
        ...
