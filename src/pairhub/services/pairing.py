"""Manual pairing and unpairing, the current-pairings snapshot and the pairing history."""

from __future__ import annotations

from dataclasses import dataclass

from pairhub.domain import units as unit_rules
from pairhub.domain.audit import AuditAction
from pairhub.domain.pairings import PairingRecord
from pairhub.domain.transitions import Transition
from pairhub.domain.units import Unit
from pairhub.ports import Clock, Storage
from pairhub.services import assets, audit, organizations, units
from pairhub.services.pagination import CursorKind, Cursors, Page, paginate


@dataclass(frozen=True)
class PairResult:
    """The unit after a pair call, and whether the call created the pairing."""

    unit: Unit
    created: bool


class Pairing:
    """Use cases of manual pairing."""

    def __init__(self, storage: Storage, clock: Clock, cursors: Cursors) -> None:
        self._storage = storage
        self._clock = clock
        self._cursors = cursors

    def pair(self, organization_id: str, unit_id: str, asset_id: str, via: str = "api") -> PairResult:
        """Pair a unit with an asset of the same organization."""
        with self._storage.write() as uow:
            unit = units.require(uow, organization_id, unit_id, lock=True)
            asset = assets.require(uow, organization_id, asset_id)
            step = unit_rules.on_manual_pair(unit, asset.id, asset.vin, self._clock.now_ms())
            if step is None:
                return PairResult(unit, False)
            uow.apply([Transition(unit, step.unit, step.events, via=via)])
            audit.note(
                uow,
                self._clock.now_ms(),
                organization_id,
                AuditAction.PAIRING_CREATED,
                ("unit", unit_id),
                {"assetId": unit.asset_id},
                {"assetId": asset.id},
            )
            return PairResult(step.unit, True)

    def unpair(self, organization_id: str, unit_id: str, via: str = "api") -> PairingRecord:
        """Unpair a unit; auto pairing stays suppressed until the unit reports another VIN."""
        with self._storage.write() as uow:
            unit = units.require(uow, organization_id, unit_id, lock=True)
            asset_vin = None
            if unit.asset_id is not None:
                asset_vin = assets.require(uow, organization_id, unit.asset_id).vin
            now = self._clock.now_ms()
            step = unit_rules.on_unpair(unit, asset_vin, now)
            [entry] = uow.apply([Transition(unit, step.unit, step.events, via=via)])
            audit.note(
                uow,
                now,
                organization_id,
                AuditAction.PAIRING_DELETED,
                ("unit", unit_id),
                {"assetId": unit.asset_id},
                {"assetId": None},
            )
            return entry

    def snapshot(self, organization_id: str, after: str | None, limit: int) -> Page[Unit]:
        """The units paired right now, by unit id."""
        with self._storage.read() as uow:
            organizations.require(uow, organization_id)
            found = uow.units.search(organization_id, True, None, after, limit + 1)
        return paginate(found, limit, lambda unit: unit.id)

    def as_of(self, organization_id: str, at: int, after: str | None, limit: int) -> Page[PairingRecord]:
        """The pairings in force at an instant, from the history, by unit id."""
        with self._storage.read() as uow:
            organizations.require(uow, organization_id)
            found = uow.pairings.as_of(organization_id, at, after, limit + 1)
        return paginate(found, limit, lambda entry: entry.unit_id)

    def history(
        self, organization_id: str, unit_id: str | None, after: str | None, limit: int
    ) -> Page[PairingRecord]:
        """Every pairing that ever existed, oldest first, after the cursor."""
        position = self._cursors.decode(CursorKind.PAIRINGS, organization_id, after) or 0
        with self._storage.read() as uow:
            organizations.require(uow, organization_id)
            found = uow.pairings.search(organization_id, unit_id, position, limit + 1)
        return paginate(
            found, limit, lambda entry: self._cursors.encode(CursorKind.PAIRINGS, organization_id, entry.seq)
        )
