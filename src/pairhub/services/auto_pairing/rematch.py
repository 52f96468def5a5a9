"""Hooks of other use cases: re-match after an asset VIN changes, follow the organization's switch."""

from __future__ import annotations

from pairhub.domain import units as unit_rules
from pairhub.domain.transitions import Transition
from pairhub.domain.units import Step, Unit
from pairhub.domain.vin import MatchResult
from pairhub.ports import UnitOfWork
from pairhub.services.auto_pairing.resolve import Planned, Resolver, Tried, persist, transition


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

    waiting = [(unit, unit_rules.rematch_vin(unit)) for unit in uow.units.lock_waiting(organization_id)]
    wanted = [(organization_id, vin) for _, vin in waiting if vin is not None]
    candidates = resolver.prefetch(uow, wanted)
    planned: list[Planned] = []
    for unit, sensor_vin in waiting:
        if sensor_vin is not None:
            step = resolver.decide(uow, candidates, unit, sensor_vin, outcome, now)
            found = transition(uow, candidates, unit, step)
            if found is not None:
                planned.append(Planned(found, Tried(unit, sensor_vin)))
    persist(uow, resolver, planned, now)


def switch_organization(uow: UnitOfWork, organization_id: str, enabled: bool) -> None:
    """Follow the organization's auto-pairing switch, inside its unit of work (see `on_switch`)."""
    switched = [
        Transition(unit, unit_rules.on_switch(unit, enabled))
        for unit in uow.units.lock_unpaired(organization_id)
    ]
    uow.apply([change for change in switched if change.after != change.before])
