"""Matching a unit's VIN inside a unit of work, and applying the outcome; a broken lookup is Unknown."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import structlog

from pairhub.domain import units as unit_rules
from pairhub.domain.events import Reason
from pairhub.domain.reminders import AutoPairingPolicy
from pairhub.domain.units import Step, Unit
from pairhub.domain.vin import MatchKind, MatchResult, decide_match, is_usable_sensor_vin
from pairhub.ports import AssetRepository, StorageFull, UnitOfWork

log = structlog.get_logger("pairhub.auto_pairing")

Matcher = Callable[[AssetRepository, str, str], MatchResult]
"""Resolves (assets, organization id, usable sensor VIN) against the organization's assets."""

Outcome = Callable[[Unit, MatchResult, "str | None"], Step]
"""Turns a match result (and the VIN of the asset to pair with) into the unit's next step."""


def match(assets: AssetRepository, organization_id: str, sensor_vin: str) -> MatchResult:
    """Match a usable, normalized sensor VIN: the exact index first, then the partial candidates."""
    if not is_usable_sensor_vin(sensor_vin):
        raise ValueError(f"not a usable sensor VIN: {sensor_vin!r}")
    exact = assets.by_vins(organization_id, [sensor_vin]).get(sensor_vin)
    if exact is not None:
        return decide_match(sensor_vin, exact.id, ())
    return decide_match(sensor_vin, None, assets.partial_candidates(organization_id, sensor_vin))


def switches(uow: UnitOfWork, organization_ids: Collection[str]) -> dict[str, bool]:
    """Each organization's auto-pairing switch.

    Read after the units are locked: on PostgreSQL this snapshot then sees a concurrent switch-off
    that committed while the lock was awaited.
    """
    found = {}
    for organization_id in sorted(organization_ids):
        organization = uow.organizations.get(organization_id)
        found[organization_id] = organization is not None and organization.auto_pairing_enabled
    return found


def apply(uow: UnitOfWork, before: Unit, step: Step) -> None:
    """Save a unit's step; a unit it pairs starts its history entry (auto pairing)."""
    if step.unit != before:
        uow.units.save(step.unit)
    if step.unit.paired and not before.paired:
        uow.pairings.open([step.unit], paired_by=Reason.AUTO_PAIR.value, paired_via="auto")


@dataclass
class Resolver:
    """Runs a match and its outcome in a savepoint; the policy and the (replaceable) matcher."""

    policy: AutoPairingPolicy
    matcher: Matcher = match

    def resolve(self, uow: UnitOfWork, unit: Unit, sensor_vin: str, outcome: Outcome, now: int) -> Step:
        """Match `sensor_vin`, apply `outcome`, and save; any unexpected error becomes Unknown."""
        try:
            with uow.savepoint():
                result = self.matcher(uow.assets, unit.organization_id, sensor_vin)
                step = outcome(unit, result, self.asset_vin(uow, unit, sensor_vin, result))
                apply(uow, unit, step)
        except StorageFull:
            raise  # a full disk is no matching error: the unit must not end as Unknown for it
        except Exception:
            # The savepoint undid whatever the failed outcome wrote, but the transaction goes on: the
            # failure itself is state (retry later) and an event the customer must see.
            log.exception("auto_pairing_failed", unit_id=unit.id, sensor_vin=sensor_vin)
            step = unit_rules.on_failure(unit, sensor_vin, self.policy, now)
            apply(uow, unit, step)
        return step

    @staticmethod
    def asset_vin(uow: UnitOfWork, unit: Unit, sensor_vin: str, result: MatchResult) -> str | None:
        """The VIN of the asset a match pairs with (None when it pairs with none)."""
        if result.kind is MatchKind.EXACT:
            return sensor_vin
        if result.kind is MatchKind.PARTIAL and result.asset_id is not None:
            asset = uow.assets.get(unit.organization_id, result.asset_id)
            return None if asset is None else asset.vin
        return None
