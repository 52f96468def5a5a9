"""Hooks of other use cases: re-match after an asset VIN changes, follow the organization's switch."""

from __future__ import annotations

from pairhub.domain import units as unit_rules
from pairhub.domain.events import PairingEvent
from pairhub.domain.units import Step, Unit
from pairhub.domain.vin import MatchResult
from pairhub.ports import UnitOfWork
from pairhub.services.auto_pairing import diagnoses
from pairhub.services.auto_pairing.resolve import Resolver


def rematch_organization(resolver: Resolver, uow: UnitOfWork, organization_id: str, now: int) -> None:
    """Re-match the organization's waiting units after an asset VIN appeared or changed.

    Runs inside the asset's unit of work, so the new VIN and the pairings it causes commit together.
    Only a changed outcome is written and emitted.
    """
    organization = uow.organizations.get(organization_id)
    if organization is None or not organization.auto_pairing_enabled:
        return
    policy = resolver.policy

    def outcome(waiting: Unit, result: MatchResult, asset_vin: str | None) -> Step:
        return unit_rules.on_asset_change(waiting, result, asset_vin, policy, now)

    emitted: list[PairingEvent] = []
    for unit in uow.units.lock_waiting(organization_id):
        sensor_vin = unit_rules.rematch_vin(unit)
        if sensor_vin is not None:
            emitted += resolver.resolve(uow, unit, sensor_vin, outcome, now).events
    diagnoses.record(uow, emitted)


def switch_organization(uow: UnitOfWork, organization_id: str, enabled: bool) -> None:
    """Follow the organization's auto-pairing switch, inside its unit of work (see `on_switch`)."""
    changed = []
    for unit in uow.units.lock_unpaired(organization_id):
        switched = unit_rules.on_switch(unit, enabled)
        if switched != unit:
            changed.append(switched)
    uow.units.save_many(changed)
