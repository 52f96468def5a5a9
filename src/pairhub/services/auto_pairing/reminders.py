"""NotFound reminders: each due unit is re-matched first, then reminded (or paired, or stopped)."""

from __future__ import annotations

from pairhub.domain import units as unit_rules
from pairhub.domain.units import Step, Unit
from pairhub.domain.vin import MatchResult
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
                policy = self._resolver.policy
                steps = [
                    unit_rules.on_reminder(unit, enabled[unit.organization_id], policy, now) for unit in due
                ]
                wanted = [(s.unit.organization_id, s.match_vin) for s in steps if s.match_vin is not None]
                candidates = self._resolver.prefetch(uow, wanted)
                planned = [
                    self._remind(uow, candidates, unit, step, now)
                    for unit, step in zip(due, steps, strict=True)
                ]
                persist(uow, self._resolver, [found for found in planned if found is not None], now)
            handled += len(due)
            # Every handled unit is now due later or never, so a short batch means nothing is left.
            if len(due) < self._batch_size:
                return handled

    def _remind(
        self, uow: UnitOfWork, candidates: Candidates | None, unit: Unit, step: Step, now: int
    ) -> Planned | None:
        """The due unit's transition: re-matched first, then reminded (or paired, or its schedule ended)."""
        policy = self._resolver.policy
        tried = None
        if step.match_vin is not None:
            tried = Tried(unit, step.match_vin)

            def outcome(waiting: Unit, result: MatchResult, asset_vin: str | None) -> Step:
                return unit_rules.on_reminder_match(waiting, result, asset_vin, policy, now)

            step = self._resolver.decide(uow, candidates, unit, step.match_vin, outcome, now)
        found = transition(uow, candidates, unit, step)
        return None if found is None else Planned(found, tried)
