"""NotFound reminders: each due unit is re-matched first, then reminded (or paired, or stopped)."""

from __future__ import annotations

from pairhub.domain import units as unit_rules
from pairhub.domain.events import PairingEvent
from pairhub.domain.units import Step, Unit
from pairhub.domain.vin import MatchResult
from pairhub.ports import Storage, UnitOfWork
from pairhub.services.auto_pairing import diagnoses
from pairhub.services.auto_pairing.resolve import Resolver, switches

DEFAULT_BATCH_SIZE = 100


class Reminders:
    """Use case: send the reminders that are due."""

    def __init__(self, storage: Storage, resolver: Resolver, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self._storage = storage
        self._resolver = resolver
        self._batch_size = batch_size

    def run_due(self, now: int) -> int:
        """Send the reminders due at `now`, in batches; returns how many due units were handled.

        Each batch is claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, so any number of processes
        can run this at once and each reminder is executed by exactly one of them.
        """
        with self._storage.read() as uow:
            # Most wake-ups find nothing: answer them without taking SQLite's write lock.
            if not uow.units.any_due(now):
                return 0
        handled = 0
        while True:
            with self._storage.write() as uow:
                due = uow.units.claim_due(now, self._batch_size)
                if not due:
                    return handled
                enabled = switches(uow, {unit.organization_id for unit in due})
                emitted: list[PairingEvent] = []
                for unit in due:
                    emitted += self._remind(uow, unit, enabled[unit.organization_id], now).events
                diagnoses.record(uow, emitted)
            handled += len(due)
            # Every handled unit is now due later or never, so a short batch means nothing is left.
            if len(due) < self._batch_size:
                return handled

    def _remind(self, uow: UnitOfWork, unit: Unit, enabled: bool, now: int) -> Step:
        policy = self._resolver.policy
        step = unit_rules.on_reminder(unit, enabled, policy, now)
        if step.match_vin is None:
            uow.units.save(step.unit)
            return step

        def outcome(waiting: Unit, result: MatchResult, asset_vin: str | None) -> Step:
            return unit_rules.on_reminder_match(waiting, result, asset_vin, policy, now)

        return self._resolver.resolve(uow, unit, step.match_vin, outcome, now)
