"""Units: provisioning, state, deletion."""

from __future__ import annotations

from pairhub.domain import units as unit_rules
from pairhub.domain.audit import AuditAction
from pairhub.domain.diagnosis import Diagnosis
from pairhub.domain.errors import Conflict, Invalid, NotFound
from pairhub.domain.model import is_valid_unit_id
from pairhub.domain.overview import UnitCounts, UnitOrder, unit_counts
from pairhub.domain.units import Unit
from pairhub.ports import Clock, Storage, UnitOfWork
from pairhub.services import audit, organizations
from pairhub.services.pagination import CursorKind, Cursors, Page, check_retention, paginate


def require(uow: UnitOfWork, organization_id: str, unit_id: str, *, lock: bool = False) -> Unit:
    """The unit of this organization, or unit_not_found."""
    unit = uow.units.get(organization_id, unit_id, lock=lock)
    if unit is None:
        raise NotFound("unit_not_found", f"Unit {unit_id} does not exist.")
    return unit


class Units:
    """Use cases on units."""

    def __init__(self, storage: Storage, clock: Clock, cursors: Cursors) -> None:
        self._cursors = cursors
        self._storage = storage
        self._clock = clock

    def provision(self, organization_id: str, unit_id: str) -> Unit:
        """Register a unit with the organization."""
        if not is_valid_unit_id(unit_id):
            raise Invalid(
                "invalid_unit_id",
                "A unit id is `type:serial`: a lowercase type of up to 32 characters, a colon, "
                "and a serial of 1-64 letters and digits.",
                unitId=unit_id,
            )
        with self._storage.write() as uow:
            organization = organizations.require(uow, organization_id)
            unit = unit_rules.provision(
                unit_id, organization_id, organization.auto_pairing_enabled, self._clock.now_ms()
            )
            if not uow.units.add(unit):
                raise Conflict("unit_exists", f"Unit {unit_id} is already provisioned.")
            uow.unknown_units.forget(unit_id)  # no longer unknown, in the same transaction
            audit.note(uow, unit.created_at, organization_id, AuditAction.UNIT_CREATED, ("unit", unit_id))
            return unit

    def get(self, organization_id: str, unit_id: str) -> Unit:
        """One unit with its pairing and auto-pairing state."""
        with self._storage.read() as uow:
            return require(uow, organization_id, unit_id)

    def list(
        self,
        organization_id: str,
        *,
        paired: bool | None = None,
        state: str | None = None,
        after: str | None = None,
        limit: int = 100,
        order: UnitOrder = UnitOrder.ID,
        search: str | None = None,
    ) -> Page[Unit]:
        """Units in `order` (by id unless told), by pairing, auto-pairing state or any part of the id."""
        with self._storage.read() as uow:
            organizations.require(uow, organization_id)
            last = self._cursors.decode_id(CursorKind.UNITS, organization_id, after)
            found = uow.units.search(organization_id, paired, state, last, limit + 1, order, search or None)
        return self._cursors.paginate_by_id(
            CursorKind.UNITS, organization_id, found, limit, lambda unit: unit.id
        )

    def counts(self, organization_id: str) -> UnitCounts:
        """How many of the organization's units are paired, and how many are in each auto-pairing state."""
        with self._storage.read() as uow:
            organizations.require(uow, organization_id)
            return unit_counts(uow.units.count_by_state(organization_id))

    def attempts(self, organization_id: str, unit_id: str, after: str | None, limit: int) -> Page[Diagnosis]:
        """The diagnoses of a unit's auto-pairing attempts, newest first, from the cursor on."""
        before = self._cursors.decode(CursorKind.ATTEMPTS, organization_id, after)
        with self._storage.read() as uow:
            require(uow, organization_id, unit_id)
            found = uow.diagnoses.of_unit(organization_id, unit_id, before, limit + 1)
            check_retention(
                before,
                found,
                lambda: uow.diagnoses.oldest_id(organization_id, unit_id),
                lambda position: self._cursors.encode(CursorKind.ATTEMPTS, organization_id, position),
            )
        return paginate(
            found,
            limit,
            lambda diagnosis: self._cursors.encode(CursorKind.ATTEMPTS, organization_id, diagnosis.id),
        )

    def delete(self, organization_id: str, unit_id: str) -> None:
        """Remove a unit that is not paired; its reminders end with it."""
        with self._storage.write() as uow:
            unit_rules.check_deletable(require(uow, organization_id, unit_id, lock=True))
            uow.units.delete(unit_id)
            uow.diagnoses.delete_of_unit(unit_id)
            audit.note(
                uow, self._clock.now_ms(), organization_id, AuditAction.UNIT_DELETED, ("unit", unit_id)
            )
