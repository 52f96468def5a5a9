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

from pairhub.domain.assets import Asset
from pairhub.domain.events import PairingEvent
from pairhub.domain.organizations import ApiKey, Organization
from pairhub.domain.pairings import PairingRecord
from pairhub.domain.units import Activity, Unit


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


class UnitRepository(Protocol):
    """Units; every method that locks takes the rows in id order, so writers never deadlock."""

    def add(self, unit: Unit) -> bool:
        """Insert a new unit; False when a unit with this id exists (in any organization)."""
        ...

    def get(self, organization_id: str, unit_id: str, *, lock: bool = False) -> Unit | None:
        """One unit of this organization, or None; `lock` holds it until the end of the unit of work."""
        ...

    def with_switch(self, unit_ids: Collection[str]) -> dict[str, tuple[Unit, bool]]:
        """These units with their organization's auto-pairing switch, in one query (the ingest read)."""
        ...

    def lock_many(self, unit_ids: Collection[str]) -> dict[str, Unit]:
        """Lock and read these units."""
        ...

    def save(self, unit: Unit) -> None:
        """Write back one changed unit."""
        ...

    def save_many(self, units: Sequence[Unit]) -> None:
        """Write back changed units in one statement."""
        ...

    def delete(self, unit_id: str) -> None:
        """Remove a unit."""
        ...

    def search(
        self, organization_id: str, paired: bool | None, state: str | None, after: str | None, limit: int
    ) -> list[Unit]:
        """Units of an organization by id after `after`, filtered by pairing or auto-pairing state."""
        ...

    def ids_by_asset(self, asset_ids: Collection[str]) -> dict[str, tuple[str, ...]]:
        """The ids of the units paired to each of these assets, sorted (assets without any left out)."""
        ...

    def any_due(self, now: int) -> bool:
        """True when some unit's next reminder is due at `now` (without taking a write lock)."""
        ...

    def claim_due(self, now: int, limit: int) -> list[Unit]:
        """Lock up to `limit` units whose reminder is due, oldest slot first, skipping locked ones."""
        ...

    def lock_waiting(self, organization_id: str) -> list[Unit]:
        """Lock the organization's unpaired units waiting for an asset fix (notFound, multipleMatchFound)."""
        ...

    def lock_unpaired(self, organization_id: str) -> list[Unit]:
        """Lock the organization's unpaired units."""
        ...

    def record_activity(self, activity: Mapping[str, Activity]) -> None:
        """Write buffered activity (seen time, last VIN, last location) of many units at once."""
        ...


class AssetRepository(Protocol):
    """Assets, with VIN lookups that stay index searches however many assets an organization has."""

    def add(self, asset: Asset) -> bool:
        """Insert a new asset; False when its VIN is already taken in its organization."""
        ...

    def add_many(self, assets: Sequence[Asset]) -> None:
        """Insert new assets in one statement."""
        ...

    def get(self, organization_id: str, asset_id: str) -> Asset | None:
        """One asset of this organization, or None."""
        ...

    def save(self, asset: Asset) -> bool:
        """Write back a changed asset; False when its new VIN is already taken."""
        ...

    def delete(self, asset_id: str) -> None:
        """Remove an asset."""
        ...

    def by_vins(self, organization_id: str, vins: Collection[str]) -> dict[str, Asset]:
        """The organization's assets whose VIN is exactly one of these, by VIN (one statement)."""
        ...

    def partial_candidates(self, organization_id: str, sensor_vin: str) -> list[tuple[str, str]]:
        """(asset id, VIN) pairs that may be P1 or P2 candidates; a superset the domain re-checks."""
        ...

    def search(
        self,
        organization_id: str,
        vin: str | None,
        paired: bool | None,
        text: str | None,
        after: str | None,
        limit: int,
    ) -> list[Asset]:
        """Assets by id after `after`, filtered by exact VIN, pairing, or a VIN/name fragment."""
        ...


class PairingRepository(Protocol):
    """The pairing history: one entry per pairing, closed when it ends."""

    def open(self, units: Sequence[Unit], paired_by: str, paired_via: str) -> None:
        """Start the entries of these just-paired units (their asset and pairing time)."""
        ...

    def close(self, unit_id: str, at: int, unpaired_by: str) -> PairingRecord:
        """End the unit's open entry and return it."""
        ...

    def search(
        self, organization_id: str, unit_id: str | None, after: int, limit: int
    ) -> list[PairingRecord]:
        """Entries oldest first after the `after` seq, optionally of one unit."""
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
