"""Matching a unit's VIN inside a unit of work, and applying the outcome; a broken lookup is Unknown."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

import structlog

from pairhub.domain import units as unit_rules
from pairhub.domain.events import Reason
from pairhub.domain.reminders import AutoPairingPolicy
from pairhub.domain.units import Step, Unit
from pairhub.domain.vin import MatchResult, decide_among, is_usable_sensor_vin
from pairhub.ports import StorageOutage, UnitOfWork, VinCandidates

log = structlog.get_logger("pairhub.auto_pairing")

Matcher = Callable[[VinCandidates, str, str], MatchResult]
"""Resolves (candidate source, organization id, usable sensor VIN) against the organization's assets."""

Outcome = Callable[[Unit, MatchResult, "str | None"], Step]
"""Turns a match result (and the VIN of the asset to pair with) into the unit's next step."""


def match(assets: VinCandidates, organization_id: str, sensor_vin: str) -> MatchResult:
    """Match a usable, normalized sensor VIN against its candidates: exact first, then P1 or P2."""
    if not is_usable_sensor_vin(sensor_vin):
        raise ValueError(f"not a usable sensor VIN: {sensor_vin!r}")
    return decide_among(sensor_vin, assets.match_candidates(organization_id, [sensor_vin])[sensor_vin])


@dataclass(frozen=True)
class Prefetched:
    """The candidates of a whole request's VINs, read at once, so that matching a unit runs no statement."""

    found: dict[tuple[str, str], list[tuple[str, str]]]

    @classmethod
    def read(cls, assets: VinCandidates, wanted: Iterable[tuple[str, str]]) -> Prefetched:
        """Read the candidates of these (organization id, sensor VIN) pairs, one lookup per organization."""
        by_organization: dict[str, set[str]] = defaultdict(set)
        for organization_id, sensor_vin in wanted:
            by_organization[organization_id].add(sensor_vin)
        found = {}
        for organization_id, sensor_vins in sorted(by_organization.items()):
            for sensor_vin, candidates in assets.match_candidates(organization_id, sensor_vins).items():
                found[organization_id, sensor_vin] = candidates
        return cls(found)

    def match_candidates(
        self, organization_id: str, sensor_vins: Collection[str]
    ) -> dict[str, list[tuple[str, str]]]:
        """The candidates read for these VINs; a VIN not read is a KeyError, never "no candidates"."""
        return {sensor_vin: self.found[organization_id, sensor_vin] for sensor_vin in sensor_vins}


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
                step = outcome(unit, result, result.asset_vin)
                apply(uow, unit, step)
        except StorageOutage:
            raise  # a full disk is no matching error: the unit must not end as Unknown for it
        except Exception:
            # The savepoint undid whatever the failed outcome wrote, but the transaction goes on: the
            # failure itself is state (retry later) and an event the customer must see.
            log.exception("auto_pairing_failed", unit_id=unit.id, sensor_vin=sensor_vin)
            step = unit_rules.on_failure(unit, sensor_vin, self.policy, now)
            apply(uow, unit, step)
        return step
