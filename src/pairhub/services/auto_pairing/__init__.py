"""Auto pairing: attempts on unit messages, NotFound reminders, re-matches when assets change."""

from __future__ import annotations

from collections.abc import Sequence

from pairhub.domain.reminders import AutoPairingPolicy
from pairhub.domain.units import Unit
from pairhub.ports import Clock, Storage, UnitOfWork
from pairhub.services.auto_pairing import rematch
from pairhub.services.auto_pairing.attempts import Attempts, MessageToAct
from pairhub.services.auto_pairing.reminders import DEFAULT_BATCH_SIZE, Reminders
from pairhub.services.auto_pairing.resolve import Matcher, Resolver, match

__all__ = ["AutoPairing", "AutoPairingPolicy", "Matcher", "MessageToAct"]


class AutoPairing:
    """The auto-pairing use cases over one storage, sharing the policy and the matcher."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        policy: AutoPairingPolicy,
        matcher: Matcher = match,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self.clock = clock
        self._resolver = Resolver(policy, matcher)
        self._attempts = Attempts(storage, self._resolver)
        self._reminders = Reminders(storage, self._resolver, batch_size)

    @property
    def policy(self) -> AutoPairingPolicy:
        """The timing knobs."""
        return self._resolver.policy

    @property
    def matcher(self) -> Matcher:
        """The VIN lookup (replaceable, so that tests can make it fail: the Unknown outcome)."""
        return self._resolver.matcher

    @matcher.setter
    def matcher(self, matcher: Matcher) -> None:
        self._resolver.matcher = matcher

    def on_messages(self, messages: Sequence[MessageToAct], now: int) -> list[Unit]:
        """Act on the messages of one request that may need an attempt, in one transaction; returns the
        units as committed."""
        return self._attempts.on_messages(messages, now)

    def run_due_reminders(self, now: int) -> int:
        """Send the reminders due at `now`; returns how many due units were handled."""
        return self._reminders.run_due(now)

    def rematch_organization(self, uow: UnitOfWork, organization_id: str, now: int) -> None:
        """Re-match the organization's waiting units (hook of the asset use cases)."""
        rematch.rematch_organization(self._resolver, uow, organization_id, now)

    def switch_organization(self, uow: UnitOfWork, organization_id: str, enabled: bool, now: int) -> None:
        """Follow the organization's auto-pairing switch (hook of the organization use cases).

        Switched on, the waiting units are re-matched at once: assets may have changed while it was off.
        """
        rematch.switch_organization(uow, organization_id, enabled)
        if enabled:
            rematch.rematch_organization(self._resolver, uow, organization_id, now)
