"""Matching units' VINs against candidates read at once, and persisting the outcomes in bulk.

Every auto-pairing use case (messages, reminders, re-matches) reads the candidates of all its VINs
first (`Candidates`), decides each unit's step without a statement, and hands the transitions to
`uow.apply` once. Savepoints remain only on the failure path: a lookup that broke is retried per
unit, and a bulk write that broke is retried per unit, so one unit's failure is that unit's Unknown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import structlog

from pairhub.domain import units as unit_rules
from pairhub.domain.reminders import AutoPairingPolicy
from pairhub.domain.transitions import Transition
from pairhub.domain.units import Step, Unit
from pairhub.domain.vin import MatchKind, MatchResult, ReportedVin, decide_among, is_usable_sensor_vin
from pairhub.ports import StorageOutage, UnitOfWork, VinCandidates
from pairhub.services.auto_pairing import diagnoses

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
    """The P1/P2 candidates of a whole request's VINs, read at once: matching a unit runs no statement."""

    found: dict[tuple[str, str], list[tuple[str, str]]]

    @classmethod
    def read(cls, assets: VinCandidates, wanted: Iterable[tuple[str, str]]) -> Prefetched:
        """Read the candidates of these (organization id, sensor VIN) pairs, one lookup per organization."""
        found = {}
        for organization_id, sensor_vins in sorted(_by_organization(wanted).items()):
            for sensor_vin, candidates in assets.match_candidates(organization_id, sensor_vins).items():
                found[organization_id, sensor_vin] = candidates
        return cls(found)

    def match_candidates(
        self, organization_id: str, sensor_vins: Collection[str]
    ) -> dict[str, list[tuple[str, str]]]:
        """The candidates read for these VINs; a VIN not read is a KeyError, never "no candidates"."""
        return {sensor_vin: self.found[organization_id, sensor_vin] for sensor_vin in sensor_vins}


def _by_organization(wanted: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for organization_id, sensor_vin in wanted:
        grouped[organization_id].add(sensor_vin)
    return grouped


@dataclass(frozen=True)
class Candidates:
    """What the VINs of one use case can match, read before deciding: exact hits, then P1/P2 candidates.

    Exact VINs (a depot coming online) are one `IN` lookup per organization; only the others read
    the partial candidates.
    """

    exact: dict[tuple[str, str], str] = field(default_factory=dict)
    partial: Prefetched = field(default_factory=lambda: Prefetched({}))

    @classmethod
    def read(cls, uow: UnitOfWork, wanted: Iterable[tuple[str, str]]) -> Candidates:
        """Read the candidates of these (organization id, usable sensor VIN) pairs."""
        grouped = _by_organization(wanted)
        exact: dict[tuple[str, str], str] = {}
        for organization_id, sensor_vins in sorted(grouped.items()):
            for vin, asset in uow.assets.by_vins(organization_id, sorted(sensor_vins)).items():
                exact[organization_id, vin] = asset.id
        rest = [
            (organization_id, vin)
            for organization_id, sensor_vins in grouped.items()
            for vin in sensor_vins
            if (organization_id, vin) not in exact
        ]
        return cls(exact, Prefetched.read(uow.assets, rest))

    def match(self, matcher: Matcher, organization_id: str, sensor_vin: str) -> MatchResult:
        """The match of a VIN: an exact hit as read, else the matcher over the partial candidates."""
        asset_id = self.exact.get((organization_id, sensor_vin))
        if asset_id is not None:
            return MatchResult(MatchKind.EXACT, asset_id=asset_id, asset_vin=sensor_vin)
        return matcher(self.partial, organization_id, sensor_vin)

    def asset_vins(self, organization_id: str, sensor_vin: str | None) -> dict[str, str | None]:
        """The VINs of the assets that may be named for this VIN (what a diagnosis compares)."""
        if sensor_vin is None:
            return {}
        return dict(self.partial.found.get((organization_id, sensor_vin), ()))


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


@dataclass
class Resolver:
    """Decides match outcomes over prefetched candidates; the policy and the (replaceable) matcher."""

    policy: AutoPairingPolicy
    matcher: Matcher = match

    def prefetch(self, uow: UnitOfWork, wanted: Sequence[tuple[str, str]]) -> Candidates | None:
        """The candidates of these VINs, or None when reading them broke (each unit then looks alone)."""
        if not wanted:
            return Candidates()
        try:
            with uow.savepoint():
                return Candidates.read(uow, wanted)
        except StorageOutage:
            raise  # a full disk or a lost database is no matching error: see StorageOutage
        except Exception:
            log.exception("auto_pairing_lookup_failed", vins=len(wanted))
            return None

    def decide(
        self,
        uow: UnitOfWork,
        candidates: Candidates | None,
        unit: Unit,
        sensor_vin: str,
        outcome: Outcome,
        now: int,
    ) -> Step:
        """Match `sensor_vin` and take `outcome`; any unexpected error becomes the Unknown outcome.

        With candidates this runs no statement. Without them (their read broke) the unit looks its
        VIN up alone, in a savepoint, so that a failed statement leaves the transaction usable.
        """
        try:
            if candidates is not None:
                result = candidates.match(self.matcher, unit.organization_id, sensor_vin)
            else:
                with uow.savepoint():
                    result = self.matcher(uow.assets, unit.organization_id, sensor_vin)
            return outcome(unit, result, result.asset_vin)
        except StorageOutage:
            raise
        except Exception:
            # The failure itself is state (retry later) and an event the customer must see.
            log.exception("auto_pairing_failed", unit_id=unit.id, sensor_vin=sensor_vin)
            return unit_rules.on_failure(unit, sensor_vin, self.policy, now)


def transition(
    uow: UnitOfWork,
    candidates: Candidates | None,
    before: Unit,
    step: Step,
    reported: ReportedVin | None = None,
) -> Transition | None:
    """The transition of a step (None when it changes nothing), with the diagnoses of its attempts."""
    if not step.events and step.unit == before:  # events first: comparing two units costs more
        return None
    asset_vins: dict[str, str | None] = {}
    named = [event for event in step.events if event.candidate_asset_ids]
    if named and candidates is None:
        asset_vins = diagnoses.candidate_vins(uow, named)
    elif named and candidates is not None:
        for event in named:
            asset_vins.update(candidates.asset_vins(before.organization_id, event.sensor_vin))
    return Transition(before, step.unit, step.events, diagnoses.of(step.events, reported, asset_vins))


class Tried(NamedTuple):
    """What a match was tried on: the unit as matched, its VIN and the VIN as reported (if by a message)."""

    unit: Unit
    sensor_vin: str
    reported: ReportedVin | None = None


class Planned(NamedTuple):
    """A transition to write, and the match it took (to fall back to Unknown when writing it breaks)."""

    transition: Transition
    tried: Tried | None = None


def persist(uow: UnitOfWork, resolver: Resolver, planned: Sequence[Planned], now: int) -> list[Unit]:
    """Write the transitions in bulk; when that breaks, unit by unit, each in its own savepoint.

    On that failure path a unit whose write breaks after a match takes the Unknown outcome instead
    (retried later); the unit's later transitions of the same request, planned on the state that
    was not written, are dropped (its next message decides again). Returns the units as written.
    """
    if not planned:
        return []
    try:
        with uow.savepoint():
            uow.apply([item.transition for item in planned])
        return [item.transition.after for item in planned]
    except StorageOutage:
        raise  # the whole request fails, not one unit: see StorageOutage
    except Exception:
        log.exception("auto_pairing_bulk_write_failed", transitions=len(planned))
    by_unit: dict[str, list[Planned]] = defaultdict(list)
    for item in planned:
        by_unit[item.transition.after.id].append(item)
    written: list[Unit] = []
    for own in by_unit.values():
        for item in own:
            if _write_alone(uow, item.transition):
                written.append(item.transition.after)
                continue
            if item.tried is not None:
                failed = unit_rules.on_failure(item.tried.unit, item.tried.sensor_vin, resolver.policy, now)
                unknown = transition(uow, None, item.transition.before, failed, item.tried.reported)
                if unknown is not None and _write_alone(uow, unknown):
                    written.append(unknown.after)
            break
    return written


def _write_alone(uow: UnitOfWork, alone: Transition) -> bool:
    """Write one transition in its own savepoint; False (logged) when that broke."""
    try:
        with uow.savepoint():
            uow.apply([alone])
    except StorageOutage:
        raise
    except Exception:
        log.exception("auto_pairing_write_failed", unit_id=alone.after.id)
        return False
    return True
