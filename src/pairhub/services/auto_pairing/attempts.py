"""Auto-pairing attempts for the unit messages of one request: one transaction, one commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import structlog

from pairhub.domain import units as unit_rules
from pairhub.domain.events import PairingEvent, Reason
from pairhub.domain.reminders import AutoPairingPolicy
from pairhub.domain.units import Activity, MessageAction, Standing, Step, Unit
from pairhub.domain.vin import MatchKind, MatchResult
from pairhub.ports import Storage, StorageOutage, UnitOfWork
from pairhub.services.auto_pairing import diagnoses
from pairhub.services.auto_pairing.resolve import Prefetched, Resolver, switches

log = structlog.get_logger("pairhub.auto_pairing")


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

    @property
    def _policy(self) -> AutoPairingPolicy:
        return self._resolver.policy

    def on_messages(self, messages: Sequence[MessageToAct], now: int) -> None:
        """Act on the messages of one request in one transaction.

        One commit for the whole request is what makes a depot coming online cheap: thousands of first
        messages cost one fsync, not one each. The units are locked first (in id order, so that two
        requests sharing units cannot deadlock); a decision taken on the unit as read stands unless
        another process changed what it depends on meanwhile, so two processes handling the same unit
        at once attempt once: the second finds the unit paired (or the VIN already attempted).
        """
        recorded: list[tuple[int, PairingEvent]] = []
        with self._storage.write() as uow:
            current = uow.units.lock_many({message.unit_id for message in messages})
            enabled = switches(uow, {unit.organization_id for unit in current.values()})
            first_steps = self._first_steps(messages, current, enabled, now)
            try:
                with uow.savepoint():
                    paired = self._pair_exact_matches(uow, first_steps, now)
            except StorageOutage:
                raise  # the whole request fails, not one unit: see StorageOutage
            except Exception:
                # Every unit then takes the per-unit path, where a failure becomes its own Unknown.
                log.exception("auto_pairing_exact_batch_failed", units=len(current))
                paired = {}
            rest = {position: step for position, step in first_steps.items() if position not in paired}
            try:
                with uow.savepoint():
                    paired.update(self._match_in_bulk(uow, rest, now))
            except Exception:
                log.exception("auto_pairing_bulk_match_failed", units=len(rest))
            for position, step in paired.items():
                current[step.unit.id] = step.unit
                recorded += ((position, event) for event in step.events)
            for position, message in enumerate(messages):
                unit = current.get(message.unit_id)
                if position in paired or unit is None:
                    continue
                try:
                    with uow.savepoint():
                        step = self._act(uow, message, unit, first_steps.get(position), enabled, now)
                except StorageOutage:
                    raise
                except Exception:
                    # Nothing is recorded for this VIN, so the unit's next message attempts again.
                    log.exception("auto_pairing_attempt_failed", unit_id=message.unit_id)
                    continue
                current[unit.id] = step.unit
                recorded += ((position, event) for event in step.events)
            ordered = sorted(recorded, key=lambda item: item[0])
            diagnoses.record(
                uow,
                [event for _, event in ordered],
                [_raw(messages[position], event) for position, event in ordered],
            )

    @staticmethod
    def _first_steps(
        messages: Sequence[MessageToAct], current: dict[str, Unit], enabled: dict[str, bool], now: int
    ) -> dict[int, Step]:
        """The step of each unit's first message, from the decision taken when the unit was read."""
        steps: dict[int, Step] = {}
        seen: set[str] = set()
        for position, message in enumerate(messages):
            unit = current.get(message.unit_id)
            if unit is None or message.unit_id in seen:
                continue
            seen.add(message.unit_id)
            switch = enabled.get(unit.organization_id, False)
            action = message.action
            if action is None or _decision_inputs(unit, switch) != _decision_inputs(
                message.read_as, message.enabled
            ):
                # Another process changed the unit (or the switch) since it was read: decide afresh.
                action = unit_rules.decide_on_message(unit, _vin(message), switch, now)
            steps[position] = unit_rules.on_message(unit, message.activity, action, now)
        return steps

    def _pair_exact_matches(self, uow: UnitOfWork, first_steps: dict[int, Step], now: int) -> dict[int, Step]:
        """Pair, set-based, the units whose first message of the request names an asset's VIN exactly.

        A depot coming online is thousands of units reporting the VIN of a registered asset: a few
        statements for all of them instead of a dozen per unit. Everything else (partial matches,
        failures, later messages of the same unit) takes the per-unit path.
        """
        wanted: dict[str, dict[str, int]] = defaultdict(dict)
        for position, step in first_steps.items():
            if step.match_vin is not None:
                wanted[step.unit.organization_id].setdefault(step.match_vin, position)
        hits: dict[int, str] = {}
        for organization_id, by_vin in wanted.items():
            for vin, asset in uow.assets.by_vins(organization_id, list(by_vin)).items():
                hits[by_vin[vin]] = asset.id
        paired: dict[int, Step] = {}
        for position, asset_id in sorted(hits.items()):
            step = first_steps[position]
            assert step.match_vin is not None
            result = MatchResult(MatchKind.EXACT, asset_id=asset_id, asset_vin=step.match_vin)
            paired[position] = unit_rules.on_match(
                step.unit, step.match_vin, result, step.match_vin, self._policy, now
            )
        if paired:
            units = [step.unit for step in paired.values()]
            uow.units.save_many(units)
            uow.pairings.open(units, paired_by=Reason.AUTO_PAIR.value, paired_via="auto")
        return paired

    def _match_in_bulk(self, uow: UnitOfWork, first_steps: dict[int, Step], now: int) -> dict[int, Step]:
        """Match the other first messages that name a VIN (partial ones, misses), writing in bulk.

        On the per-unit path a partial match costs a dozen statements, two savepoints included; here
        the candidates of all these VINs are read in a few statements (with their VINs, which the
        events name), each unit is matched against them, and the writes run once for all. Any failure
        undoes the lot (the caller's savepoint) and sends these units down the per-unit path, where it
        is one unit's Unknown.
        """
        wanted = [
            (step.unit.organization_id, step.match_vin)
            for step in first_steps.values()
            if step.match_vin is not None
        ]
        if not wanted:
            return {}
        candidates = Prefetched.read(uow.assets, wanted)
        settled: dict[int, Step] = {}
        for position, step in first_steps.items():
            sensor_vin, unit = step.match_vin, step.unit
            if sensor_vin is None:
                continue
            result = self._resolver.matcher(candidates, unit.organization_id, sensor_vin)
            settled[position] = unit_rules.on_match(
                unit, sensor_vin, result, result.asset_vin, self._policy, now
            )
        if settled:
            uow.units.save_many([step.unit for step in settled.values()])
            newly_paired = [step.unit for step in settled.values() if step.unit.paired]
            uow.pairings.open(newly_paired, paired_by=Reason.AUTO_PAIR.value, paired_via="auto")
        return settled

    def _act(
        self,
        uow: UnitOfWork,
        message: MessageToAct,
        unit: Unit,
        first_step: Step | None,
        enabled: dict[str, bool],
        now: int,
    ) -> Step:
        """One message on the per-unit path: its step, matched and saved."""
        step = first_step
        if step is None:
            switch = enabled.get(unit.organization_id, False)
            action = unit_rules.decide_on_message(unit, _vin(message), switch, now)
            step = unit_rules.on_message(unit, message.activity, action, now)
        if step.match_vin is None:
            if step.unit != unit:
                uow.units.save(step.unit)
            return step
        sensor_vin, seen = step.match_vin, step.unit

        def outcome(tried: Unit, result: MatchResult, asset_vin: str | None) -> Step:
            return unit_rules.on_match(tried, sensor_vin, result, asset_vin, self._policy, now)

        if seen != unit:
            # Written through (not only buffered): a manual unpair right after this suppresses exactly
            # this VIN, and an Unknown outcome keeps the activity that came with it.
            uow.units.save(seen)
        return self._resolver.resolve(uow, seen, sensor_vin, outcome, now)


def _raw(message: MessageToAct, event: PairingEvent) -> str | None:
    """The VIN as the message reported it (a position report without one stands by the event's)."""
    return event.sensor_vin if message.activity.vin is None else message.activity.vin.raw


def _vin(message: MessageToAct) -> str | None:
    return None if message.activity.vin is None else message.activity.vin.normalized
