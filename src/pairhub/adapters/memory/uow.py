"""The in-memory unit of work and storage."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property

from pairhub.adapters import transitions as transitions_module
from pairhub.adapters.memory.assets import MemoryAssets
from pairhub.adapters.memory.audit import MemoryAudit
from pairhub.adapters.memory.diagnoses import MemoryDiagnoses
from pairhub.adapters.memory.events import MemoryEvents
from pairhub.adapters.memory.feeds import MemoryFeeds
from pairhub.adapters.memory.idempotency import MemoryIdempotencyKeys
from pairhub.adapters.memory.organizations import MemoryApiKeys, MemoryOrganizations, MemorySessions
from pairhub.adapters.memory.pairings import MemoryPairings
from pairhub.adapters.memory.people import MemoryInvitations, MemoryMemberships, MemoryPeople
from pairhub.adapters.memory.state import MemoryState
from pairhub.adapters.memory.subscriptions import MemoryAttempts, MemoryBatches, MemorySubscriptions
from pairhub.adapters.memory.taken_messages import MemoryTakenMessages
from pairhub.adapters.memory.units import MemoryUnits
from pairhub.adapters.memory.unknown_units import MemoryUnknownUnits
from pairhub.domain.pairings import PairingRecord
from pairhub.domain.transitions import Transition


class MemoryUnitOfWork:
    """Repositories over the shared state, inside one transaction of it."""

    def __init__(self, state: MemoryState) -> None:
        self.state = state
        self.recorded_events = False

    @cached_property
    def events(self) -> MemoryEvents:
        """The outbox."""
        return MemoryEvents(self.state, on_record=self._note_recorded)

    def _note_recorded(self) -> None:
        self.recorded_events = True

    @cached_property
    def organizations(self) -> MemoryOrganizations:
        """Organizations."""
        return MemoryOrganizations(self.state)

    @cached_property
    def api_keys(self) -> MemoryApiKeys:
        """API keys."""
        return MemoryApiKeys(self.state)

    @cached_property
    def sessions(self) -> MemorySessions:
        """Signed-in UI sessions."""
        return MemorySessions(self.state)

    @cached_property
    def people(self) -> MemoryPeople:
        """People."""
        return MemoryPeople(self.state)

    @cached_property
    def memberships(self) -> MemoryMemberships:
        """People's roles in organizations."""
        return MemoryMemberships(self.state)

    @cached_property
    def audit(self) -> MemoryAudit:
        """The audit log."""
        return MemoryAudit(self.state)

    @cached_property
    def invitations(self) -> MemoryInvitations:
        """One-time links: invitations and password resets."""
        return MemoryInvitations(self.state)

    @cached_property
    def units(self) -> MemoryUnits:
        """Units."""
        return MemoryUnits(self.state)

    @cached_property
    def unknown_units(self) -> MemoryUnknownUnits:
        """Unit ids refused at ingest as not provisioned."""
        return MemoryUnknownUnits(self.state)

    @cached_property
    def assets(self) -> MemoryAssets:
        """Assets and their VIN lookups."""
        return MemoryAssets(self.state)

    @cached_property
    def pairings(self) -> MemoryPairings:
        """The pairing history."""
        return MemoryPairings(self.state)

    @cached_property
    def diagnoses(self) -> MemoryDiagnoses:
        """The diagnoses of auto-pairing attempts."""
        return MemoryDiagnoses(self.state)

    @cached_property
    def subscriptions(self) -> MemorySubscriptions:
        """Webhook subscriptions."""
        return MemorySubscriptions(self.state)

    @cached_property
    def batches(self) -> MemoryBatches:
        """Batches."""
        return MemoryBatches(self.state)

    @cached_property
    def attempts(self) -> MemoryAttempts:
        """The attempt log."""
        return MemoryAttempts(self.state)

    @cached_property
    def feeds(self) -> MemoryFeeds:
        """Datahub feeds."""
        return MemoryFeeds(self.state)

    @cached_property
    def idempotency_keys(self) -> MemoryIdempotencyKeys:
        """Idempotency keys and their answers."""
        return MemoryIdempotencyKeys(self.state)

    def apply(self, transitions: Sequence[Transition]) -> list[PairingRecord]:
        """Persist unit transitions in bulk (see `adapters/transitions.py`); the history entries closed."""
        return transitions_module.apply(
            transitions, self.units, self.pairings, self.events, self.diagnoses, self.audit
        )

    @cached_property
    def taken_messages(self) -> MemoryTakenMessages:
        """Digests of the MQTT messages taken."""
        return MemoryTakenMessages(self.state)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: undone when the block raises."""
        with self.state.transaction():
            yield


class MemoryStorage:
    """Storage held in this process: every unit of work runs under one lock, like SQLite's writer."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self._listeners: list[Callable[[], None]] = []

    @contextmanager
    def write(self) -> Iterator[MemoryUnitOfWork]:
        """A transaction: rolled back when the block raises."""
        uow = MemoryUnitOfWork(self.state)
        with self.state.transaction():
            yield uow
        if uow.recorded_events:
            for listener in self._listeners:
                listener()

    @contextmanager
    def read(self) -> Iterator[MemoryUnitOfWork]:
        """A consistent view (the lock is held meanwhile)."""
        with self.state.lock:
            yield MemoryUnitOfWork(self.state)

    def on_outbox_commit(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every commit that recorded events."""
        self._listeners.append(listener)

    def ping(self) -> None:
        """Always answers."""

    def close(self) -> None:
        """Nothing to release."""
