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

from pairhub.domain.events import PairingEvent
from pairhub.domain.organizations import ApiKey, Organization


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
