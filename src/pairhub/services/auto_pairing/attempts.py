"""Auto-pairing attempts for the unit messages of one request: one transaction, one commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pairhub.domain import units as unit_rules
from pairhub.domain.units import Activity, MessageAction, Standing, Step, Unit
from pairhub.domain.vin import MatchResult, is_usable_sensor_vin
from pairhub.ports import Storage, UnitOfWork
from pairhub.services.auto_pairing.resolve import (
    Candidates,
    Planned,
    Resolver,
    Tried,
    persist,
    switches,
    transition,
)


@dataclass(frozen=True)
class MessageToAct:
    """A unit message that may need an attempt, with the decision taken on the unit as it was read.

    `action` is None for a later message of a unit already acting in the request: it is decided
    under the lock, on the state the earlier messages left.
    """

    unit_id: str
    activity: Activity
    read_as: Standing
    enabled: bool
    action: MessageAction | None


def _decision_inputs(unit: Unit | Standing, enabled: bool) -> tuple[object, ...]:
    """What `decide_on_message` looks at: when it is unchanged under the lock, the decision stands."""
    return unit.asset_id, unit.state, unit.attempted_vin, unit.retry_after, enabled


class Attempts:
    """Use case: act on the messages of a request that need an auto-pairing attempt."""

    def __init__(self, storage: Storage, resolver: Resolver) -> None:
        self._storage = storage
        self._resolver = resolver

    def on_messages(self, messages: Sequence[MessageToAct], now: int) -> list[Unit]:
        """Act on the messages of one request in one transaction: lock, read, plan, then one write.

        One commit for the whole request is what makes a depot coming online cheap: thousands of first
        messages cost one fsync, not one each. The units are locked first (in id order, so that two
        requests sharing units cannot deadlock); a decision taken on the unit as read stands unless
        another process changed what it depends on meanwhile, so two processes handling the same unit
        at once attempt once: the second finds the unit paired (or the VIN already attempted). The
        candidates of every VIN of the request are read before planning (exact hits, then P1/P2), so
        planning runs no statement, and the transitions are written in bulk. Returns the units as
        committed.
        """
        with self._storage.write() as uow:
            current = uow.units.lock_many({message.unit_id for message in messages})
            enabled = switches(uow, {unit.organization_id for unit in current.values()})
            candidates = self._resolver.prefetch(uow, _wanted(messages, current))
            planned = self.plan(uow, messages, current, enabled, candidates, now)
            return persist(uow, self._resolver, planned, now)

    def plan(
        self,
        uow: UnitOfWork,
        messages: Sequence[MessageToAct],
        current: dict[str, Unit],
        enabled: dict[str, bool],
        candidates: Candidates | None,
        now: int,
    ) -> list[Planned]:
        """Every message's transition, in arrival order, each decided on the state the earlier ones left.

        Runs no statement while `candidates` were read (the unit of work serves only the failure path,
        where a unit looks its VIN up alone).
        """
        state = dict(current)
        acted: set[str] = set()
        planned: list[Planned] = []
        for message in messages:
            unit = state.get(message.unit_id)
            if unit is None:
                continue
            switch = enabled.get(unit.organization_id, False)
            action = message.action
            if (
                action is None
                or unit.id in acted
                or _decision_inputs(unit, switch) != _decision_inputs(message.read_as, message.enabled)
            ):
                # A later message of the unit, or another process changed it since it was read: decide afresh.
                action = unit_rules.decide_on_message(unit, _vin(message), switch, now)
            acted.add(unit.id)
            step = unit_rules.on_message(unit, message.activity, action, now)
            tried = None
            if step.match_vin is not None:
                tried = Tried(step.unit, step.match_vin, message.activity.vin)
                step = self._match(uow, candidates, step.unit, step.match_vin, now)
            found = transition(uow, candidates, unit, step, message.activity.vin)
            if found is not None:
                planned.append(Planned(found, tried))
                state[unit.id] = step.unit
        return planned

    def _match(
        self, uow: UnitOfWork, candidates: Candidates | None, seen: Unit, sensor_vin: str, now: int
    ) -> Step:
        policy = self._resolver.policy

        def outcome(tried: Unit, result: MatchResult, asset_vin: str | None) -> Step:
            return unit_rules.on_match(tried, sensor_vin, result, asset_vin, policy, now)

        return self._resolver.decide(uow, candidates, seen, sensor_vin, outcome, now)


def _wanted(messages: Sequence[MessageToAct], current: dict[str, Unit]) -> list[tuple[str, str]]:
    """Every (organization, usable VIN) the request may match: the messages' VINs and the units' last.

    A unit's last attempted VIN is what an Unknown outcome retries when a message reports none.
    """
    wanted: set[tuple[str, str]] = set()
    for unit in current.values():
        if unit.attempted_vin is not None and is_usable_sensor_vin(unit.attempted_vin):
            wanted.add((unit.organization_id, unit.attempted_vin))
    for message in messages:
        owner = current.get(message.unit_id)
        vin = _vin(message)
        if owner is not None and vin is not None and is_usable_sensor_vin(vin):
            wanted.add((owner.organization_id, vin))
    return sorted(wanted)


def _vin(message: MessageToAct) -> str | None:
    return None if message.activity.vin is None else message.activity.vin.normalized
