"""The unit of work and the storage that opens it; the outbox and its one event-range read."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from pairhub.domain.events import PairingEvent
from pairhub.domain.pairings import PairingRecord
from pairhub.domain.transitions import Transition
from pairhub.ports.repositories import (
    ApiKeyRepository,
    AssetRepository,
    AttemptRepository,
    AuditRepository,
    BatchRepository,
    DiagnosisRepository,
    FeedRepository,
    IdempotencyRepository,
    InvitationRepository,
    MembershipRepository,
    OrganizationRepository,
    PairingRepository,
    PersonRepository,
    SessionRepository,
    SubscriptionRepository,
    TakenMessageRepository,
    UnitRepository,
    UnknownUnitRepository,
)


class StorageOutage(Exception):
    """The storage cannot take this request now (full, or out of reach); nothing of it was kept.

    Not an error of one unit or one subscription: the isolation that turns failures into their own
    outcomes lets it pass, so that the request answers 503 and the caller sends it again later.
    """


class StorageUnavailable(StorageOutage):
    """The database cannot be reached (stopped, restarting, network down, refused the login)."""


class StorageFull(StorageOutage):
    """The storage refused a write for lack of space; the transaction was rolled back whole."""


class StoredEvent(NamedTuple):
    """An event of the outbox with its sequence number (the feed cursor)."""

    seq: int
    event: PairingEvent


class RenderedEvent(NamedTuple):
    """An event of the outbox as one payload version renders it: what cutting a batch needs."""

    seq: int
    registered_at_ms: int
    data: str
    """The `eventsData` element, compact JSON, rendered once when the event was recorded."""


@dataclass(frozen=True)
class EventQuery:
    """Which events of one organization to read: the one description of an event range.

    Oldest first after `after` (and up to `upto`), or newest first before `before` when `newest_first`.
    """

    organization_id: str
    event_types: Sequence[str]
    limit: int
    after: int = 0
    upto: int | None = None
    newest_first: bool = False
    before: int | None = None
    reason: str | None = None
    unit_id: str | None = None
    asset_id: str | None = None
    since_ms: int | None = None
    """Only events registered at or after this instant (epoch milliseconds)."""
    until_ms: int | None = None
    """Only events registered before this instant (epoch milliseconds)."""
    unit_id_contains: str | None = None
    """Any part of the unit id, case-insensitive (the console's search)."""


class EventStore(Protocol):
    """The transactional outbox: events stored with the state change that caused them."""

    def record(self, events: Sequence[PairingEvent]) -> None:
        """Append events in this unit of work; commit order equals seq order per organization."""
        ...

    def read(self, query: EventQuery) -> list[StoredEvent]:
        """The events `query` describes."""
        ...

    def rendered(self, query: EventQuery, version: int) -> list[RenderedEvent]:
        """The events of a plain oldest-first `query`, as payload `version` renders them."""
        ...

    def heads(self, organization_ids: Collection[str]) -> dict[str, int]:
        """The newest seq of each organization (0 when it has none)."""
        ...

    def count_after(self, organization_id: str, after: int, event_types: Sequence[str]) -> int:
        """How many events of these types follow `after`."""
        ...

    def pruned_through(self, organization_id: str) -> int:
        """The newest seq of the organization that the retention deleted (0 when none was)."""
        ...

    def outcomes_per_bucket(
        self, organization_id: str, start: int, end: int, bucket_ms: int
    ) -> dict[int, dict[str, int]]:
        """Events registered in [start, end) per bucket and outcome (the `reason`, or the event type)."""
        ...


class UnitOfWork(Protocol):
    """One transaction: the repositories of every aggregate, committed or rolled back together."""

    @property
    def events(self) -> EventStore:
        """The outbox."""
        ...

    @property
    def organizations(self) -> OrganizationRepository:
        """Organizations."""
        ...

    @property
    def api_keys(self) -> ApiKeyRepository:
        """API keys."""
        ...

    @property
    def sessions(self) -> SessionRepository:
        """Signed-in UI sessions."""
        ...

    @property
    def people(self) -> PersonRepository:
        """People."""
        ...

    @property
    def memberships(self) -> MembershipRepository:
        """People's roles in organizations."""
        ...

    @property
    def audit(self) -> AuditRepository:
        """The audit log."""
        ...

    @property
    def invitations(self) -> InvitationRepository:
        """One-time links: invitations and password resets."""
        ...

    @property
    def units(self) -> UnitRepository:
        """Units."""
        ...

    @property
    def assets(self) -> AssetRepository:
        """Assets and their VIN lookups."""
        ...

    @property
    def pairings(self) -> PairingRepository:
        """The pairing history."""
        ...

    @property
    def diagnoses(self) -> DiagnosisRepository:
        """The diagnoses of auto-pairing attempts."""
        ...

    @property
    def unknown_units(self) -> UnknownUnitRepository:
        """Unit ids refused at ingest as not provisioned."""
        ...

    @property
    def subscriptions(self) -> SubscriptionRepository:
        """Webhook subscriptions."""
        ...

    @property
    def batches(self) -> BatchRepository:
        """Batches."""
        ...

    @property
    def attempts(self) -> AttemptRepository:
        """The attempt log."""
        ...

    @property
    def feeds(self) -> FeedRepository:
        """Datahub feeds."""
        ...

    @property
    def idempotency_keys(self) -> IdempotencyRepository:
        """Idempotency keys and their answers."""
        ...

    @property
    def taken_messages(self) -> TakenMessageRepository:
        """Digests of the MQTT messages taken."""
        ...

    def savepoint(self) -> AbstractContextManager[None]:
        """A nested scope: what it wrote is undone when it raises (the error propagates)."""
        ...

    def apply(self, transitions: Sequence[Transition]) -> list[PairingRecord]:
        """Persist unit transitions in bulk: each unit's last record, the history entries they open and
        close, their events (in this order) and diagnoses. Returns the history entries it closed."""
        ...


class Storage(Protocol):
    """Opens units of work; `write()` for state changes, `read()` for one consistent snapshot."""

    def write(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work committed on success and rolled back on error."""
        ...

    def read(self) -> AbstractContextManager[UnitOfWork]:
        """A read-only unit of work."""
        ...

    def on_outbox_commit(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every commit that recorded events."""
        ...

    def ping(self) -> None:
        """Raise unless the storage answers."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
