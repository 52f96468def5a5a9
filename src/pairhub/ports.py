"""The seams between use cases and the world: storage (a unit of work with repositories), time, HTTP.

Services depend on these protocols only; `adapters/sql` and `adapters/memory` implement the storage
ones, `adapters/http` the sender, `adapters/clock` the clock. Records crossing them are frozen values
of the domain, never rows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from pairhub.domain.delivery import BatchStatus
from pairhub.domain.events import PairingEvent
from pairhub.domain.organizations import ApiKey, Organization
from pairhub.domain.subscriptions import Attempt, Batch, Subscription


class Clock(Protocol):
    """Something that tells the current time in milliseconds since the Unix epoch, UTC."""

    def now_ms(self) -> int:
        """The current time in epoch milliseconds."""
        ...


@dataclass(frozen=True)
class SendResult:
    """What came back: a status (None when no response), the first 2 KB of the body, timing, error text."""

    status: int | None
    excerpt: str
    duration_ms: int
    error: str | None = None
    retry_after: str | None = None


class Sender(Protocol):
    """Posts one signed body to one URL."""

    async def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> SendResult:
        """POST `body` with `headers` and report the outcome; never raises for network trouble."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class StoredEvent(NamedTuple):
    """An event of the outbox with its sequence number (the feed cursor)."""

    seq: int
    event: PairingEvent


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


class EventStore(Protocol):
    """The transactional outbox: events stored with the state change that caused them."""

    def record(self, events: Sequence[PairingEvent]) -> None:
        """Append events in this unit of work; commit order equals seq order per organization."""
        ...

    def read(self, query: EventQuery) -> list[StoredEvent]:
        """The events `query` describes."""
        ...

    def heads(self, organization_ids: Collection[str]) -> dict[str, int]:
        """The newest seq of each organization (0 when it has none)."""
        ...

    def count_after(self, organization_id: str, after: int, event_types: Sequence[str]) -> int:
        """How many events of these types follow `after`."""
        ...


class OrganizationRepository(Protocol):
    """Organizations."""

    def add(self, organization: Organization) -> None:
        """Insert a new organization."""
        ...

    def get(self, organization_id: str) -> Organization | None:
        """One organization, or None."""
        ...

    def save(self, organization: Organization) -> None:
        """Write back a changed organization."""
        ...

    def list(self, only_id: str | None, after: str | None, limit: int) -> list[Organization]:
        """Organizations by id after `after`; `only_id` narrows the list to one."""
        ...


class ApiKeyRepository(Protocol):
    """Organization API keys (hashed)."""

    def add(self, key: ApiKey) -> None:
        """Insert a new key."""
        ...

    def get(self, key_id: str) -> ApiKey | None:
        """One key by id, or None."""
        ...

    def find_active(self, key_hash: str) -> ApiKey | None:
        """The unrevoked key with this hash, or None."""
        ...

    def save(self, key: ApiKey) -> None:
        """Write back a changed key."""
        ...


class SubscriptionRepository(Protocol):
    """Webhook subscriptions, and the leases that give each one to one worker at a time."""

    def add(self, subscription: Subscription) -> None:
        """Insert a new subscription."""
        ...

    def get(self, subscription_id: str, *, lock: bool = False) -> Subscription | None:
        """One subscription (locked for this unit of work when `lock`), or None."""
        ...

    def save(self, subscription: Subscription) -> None:
        """Write back a changed subscription."""
        ...

    def save_many(self, subscriptions: Sequence[Subscription], worker: str, lease_until: int) -> None:
        """Write back subscriptions leased by `worker` and renew their leases, in bulk."""
        ...

    def delete(self, subscription_id: str) -> None:
        """Remove a subscription with its batches and attempt log."""
        ...

    def claim(self, worker: str, now: int, lease_ms: int, limit: int, busy: Collection[str]) -> list[str]:
        """Lease up to `limit` subscriptions with due work and no live lease, never one in `busy`."""
        ...

    def leased(
        self, subscription_ids: Collection[str], worker: str, *, served_only: bool = False
    ) -> dict[str, Subscription]:
        """Those of these subscriptions `worker` still holds, locked for this unit of work.

        `served_only` leaves out those of organizations without an active Datahub subscription.
        """
        ...

    def release(self, subscription_ids: Collection[str], worker: str) -> None:
        """Give leases back."""
        ...

    def count_on_hold(self) -> int:
        """How many subscriptions are on hold, all organizations."""
        ...

    def list(self, organization_id: str | None, after: str | None, limit: int) -> list[Subscription]:
        """Subscriptions by id after `after`, of one organization or (None) of all."""
        ...


class BatchRepository(Protocol):
    """Frozen batches of the subscriptions."""

    def add_many(self, batches: Sequence[Batch]) -> None:
        """Insert new batches."""
        ...

    def get(self, batch_id: str) -> Batch | None:
        """One batch with its body, or None."""
        ...

    def get_many(self, batch_ids: Collection[str]) -> dict[str, Batch]:
        """These batches by id (a deleted one is missing)."""
        ...

    def pending_of(self, subscription_ids: Collection[str]) -> dict[str, list[Batch]]:
        """The pending batches of each subscription in event order (normally zero or one)."""
        ...

    def save_many(self, batches: Sequence[Batch]) -> None:
        """Write back changed batches (all but their frozen content), in bulk."""
        ...

    def pending_events(self, subscription_id: str | None) -> int:
        """Events held in pending batches, of one subscription or (None) of all."""
        ...

    def list(
        self, subscription_id: str, status: BatchStatus | None, before_first_seq: int | None, limit: int
    ) -> list[Batch]:
        """Batches of a subscription, newest first, with empty bodies."""
        ...


class AttemptRepository(Protocol):
    """The delivery attempt log."""

    def add_many(self, attempts: Sequence[Attempt]) -> None:
        """Append attempts."""
        ...

    def latest(self, batch_ids: Sequence[str], per_batch: int) -> dict[str, list[Attempt]]:
        """The latest `per_batch` attempts of each batch, oldest first."""
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

    def savepoint(self) -> AbstractContextManager[None]:
        """A nested scope: what it wrote is undone when it raises (the error propagates)."""
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
