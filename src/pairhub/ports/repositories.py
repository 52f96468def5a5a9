"""One repository protocol per aggregate; each returns frozen domain records."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

from pairhub.domain.assets import Asset
from pairhub.domain.audit import AuditEntry, AuditQuery
from pairhub.domain.diagnosis import Diagnosis
from pairhub.domain.fair_shares import Candidate
from pairhub.domain.feeds import Feed
from pairhub.domain.idempotency import StoredAnswer
from pairhub.domain.model import AutoPairingState
from pairhub.domain.organizations import ApiKey, Organization, Session
from pairhub.domain.overview import AssetOrder, DeliveryBucket, Latency, UnitOrder
from pairhub.domain.pairings import PairingRecord
from pairhub.domain.people import Invitation, Membership, Person
from pairhub.domain.subscriptions import Attempt, Batch, BatchStatus, Subscription
from pairhub.domain.units import Activity, Standing, Unit
from pairhub.domain.unknown_units import UnknownUnit


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

    def list(self, organization_id: str, after: str | None, limit: int) -> list[ApiKey]:
        """The organization's unrevoked keys by id after `after`."""
        ...

    def touch(self, used: Mapping[str, int]) -> None:
        """Record when keys were last used (an older time never overwrites a newer)."""
        ...


class SessionRepository(Protocol):
    """Signed-in UI sessions, by the hash of their token."""

    def add(self, session: Session) -> None:
        """Insert a new session."""
        ...

    def find_active(self, token_hash: str, now: int) -> Session | None:
        """The session with this hash while it has not expired and its API key (if any) is not revoked."""
        ...

    def delete(self, token_hash: str) -> None:
        """End one session."""
        ...

    def delete_of_key(self, key_id: str) -> None:
        """End every session signed in with this API key."""
        ...

    def delete_of_person(self, person_id: str, keep: str | None = None) -> None:
        """End a person's sessions, but `keep` (a token hash: the session that made the change)."""
        ...

    def delete_expired(self, now: int) -> None:
        """Forget sessions that expired."""
        ...


class PersonRepository(Protocol):
    """People, unique by lower-cased email."""

    def add(self, person: Person) -> None:
        """Insert a new person."""
        ...

    def get(self, person_id: str) -> Person | None:
        """One person, or None."""
        ...

    def find_by_email(self, email_key: str) -> Person | None:
        """The person with this (lower-cased) email, or None."""
        ...

    def save(self, person: Person) -> None:
        """Write back a changed person."""
        ...

    def has_platform_admin(self) -> bool:
        """True once any platform admin exists."""
        ...

    def named(self, person_ids: list[str]) -> dict[str, Person]:
        """The people with these ids."""
        ...

    def search(self, part: str | None, after: str | None, limit: int) -> list[Person]:
        """People whose email or name holds `part` (any case; None: everyone), by email after `after`."""
        ...

    def platform_admin_count(self) -> int:
        """How many people are platform admins."""
        ...

    def delete(self, person_id: str) -> None:
        """Forget a person (their memberships are gone first)."""
        ...


class AuditRepository(Protocol):
    """The audit log: appended in the transaction of each change."""

    def record(self, entries: Sequence[AuditEntry]) -> None:
        """Append entries."""
        ...

    def list(self, query: AuditQuery, limit: int) -> list[AuditEntry]:
        """Entries matching the query, newest first."""
        ...

    def latest_of(self, organization_id: str, target_ids: Collection[str]) -> dict[str, AuditEntry]:
        """The newest entry of each of these targets."""
        ...

    def oldest_id(self, organization_id: str) -> int | None:
        """The id of the organization's oldest entry still held (None when it holds none)."""
        ...


class InvitationRepository(Protocol):
    """One-time links: invitations and password resets."""

    def add(self, invitation: Invitation) -> None:
        """Insert a new link."""
        ...

    def get(self, invitation_id: str) -> Invitation | None:
        """One link by id, or None."""
        ...

    def find(self, token_hash: str) -> Invitation | None:
        """The link with this token hash, or None."""
        ...

    def mark_used(self, invitation_id: str, used_at: int) -> None:
        """Spend a link (accepted or withdrawn)."""
        ...

    def open_of(self, organization_id: str, now: int, after: str | None, limit: int) -> list[Invitation]:
        """The organization's invitations that can still be accepted, by id after `after`."""
        ...

    def spend_resets_of(self, email_key: str, used_at: int) -> None:
        """Spend the open password-reset links of this (lower-cased) email."""
        ...


class MembershipRepository(Protocol):
    """People's roles in organizations."""

    def add(self, membership: Membership) -> None:
        """Insert a new membership."""
        ...

    def get(self, person_id: str, organization_id: str) -> Membership | None:
        """A person's membership in an organization, or None."""
        ...

    def save(self, membership: Membership) -> None:
        """Write back a changed role."""
        ...

    def delete(self, person_id: str, organization_id: str) -> None:
        """Remove a person from an organization."""
        ...

    def of_person(self, person_id: str) -> list[Membership]:
        """Every organization a person belongs to."""
        ...

    def of_organization(self, organization_id: str, after: str | None, limit: int) -> list[Membership]:
        """The organization's members by person id after `after`."""
        ...

    def of_people(self, person_ids: list[str]) -> list[Membership]:
        """The memberships of these people."""
        ...


class UnitRepository(Protocol):
    """Units; every method that locks takes the rows in id order, so writers never deadlock."""

    def add(self, unit: Unit) -> bool:
        """Insert a new unit; False when a unit with this id exists (in any organization)."""
        ...

    def get(self, organization_id: str, unit_id: str, *, lock: bool = False) -> Unit | None:
        """One unit of this organization, or None; `lock` holds it until the end of the unit of work."""
        ...

    def with_switch(self, unit_ids: Collection[str]) -> dict[str, tuple[Standing, bool]]:
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
        self,
        organization_id: str,
        paired: bool | None,
        state: str | None,
        after: str | None,
        limit: int,
        order: UnitOrder = UnitOrder.ID,
        text: str | None = None,
    ) -> list[Unit]:
        """Units of an organization in `order` after the unit `after`, by pairing, state or part of the id."""
        ...

    def count_by_state(self, organization_id: str) -> dict[tuple[bool, AutoPairingState], int]:
        """How many units of the organization there are per (paired, auto-pairing state)."""
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


class VinCandidates(Protocol):
    """Where a matcher finds the assets that sensor VINs may name."""

    def match_candidates(
        self, organization_id: str, sensor_vins: Collection[str]
    ) -> dict[str, list[tuple[str, str]]]:
        """Per sensor VIN (each a key), (asset id, VIN) pairs that may match it; a superset to re-check."""
        ...


class AssetRepository(VinCandidates, Protocol):
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

    def get_many(self, organization_id: str, asset_ids: Collection[str]) -> dict[str, Asset]:
        """These assets of this organization by id, in one statement (others' and missing ones left out)."""
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

    def without_vin_by_names(self, organization_id: str, names: Collection[str]) -> dict[str, Asset]:
        """The organization's assets without a VIN whose name is one of these, by name (the first by id)."""
        ...

    def search(
        self,
        organization_id: str,
        vin: str | None,
        paired: bool | None,
        text: str | None,
        after: str | None,
        limit: int,
        order: AssetOrder = AssetOrder.ID,
    ) -> list[Asset]:
        """Assets in `order` after the asset `after`, filtered by exact VIN, pairing or a VIN/name part."""
        ...

    def count(
        self, organization_id: str, paired: bool | None, text: str | None, most: int | None = None
    ) -> int:
        """How many assets `search` finds with these filters, on all pages; past `most`, `most` + 1."""
        ...


class PairingRepository(Protocol):
    """The pairing history: one entry per pairing, closed when it ends."""

    def open(self, units: Sequence[Unit], paired_by: str, paired_via: str) -> None:
        """Start the entries of these just-paired units (their asset and pairing time)."""
        ...

    def close(
        self, organization_id: str, unit_id: str, at: int, unpaired_by: str, unpaired_via: str
    ) -> PairingRecord:
        """End the unit's open entry and return it."""
        ...

    def search(
        self, organization_id: str, unit_id: str | None, after: int, limit: int
    ) -> list[PairingRecord]:
        """Entries oldest first after the `after` seq, optionally of one unit."""
        ...

    def as_of(
        self, organization_id: str, at: int, after_unit_id: str | None, limit: int
    ) -> list[PairingRecord]:
        """Entries in force at `at` (paired at or before it, not yet unpaired), by unit id after a cursor."""
        ...


class DiagnosisRepository(Protocol):
    """The diagnostic records of auto-pairing attempts: why each ended as it did."""

    def add_many(self, diagnoses: Sequence[Diagnosis]) -> None:
        """Store the diagnoses of a transaction's attempts in one statement."""
        ...

    def of_unit(self, organization_id: str, unit_id: str, before: int | None, limit: int) -> list[Diagnosis]:
        """A unit's diagnoses newest first, before the `before` id when given."""
        ...

    def delete_of_unit(self, unit_id: str) -> None:
        """Forget a deleted unit's diagnoses."""
        ...

    def oldest_id(self, organization_id: str, unit_id: str) -> int | None:
        """The id of the unit's oldest diagnosis still held (None when it holds none)."""
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

    def candidates(
        self, now: int, busy: Collection[str], per_organization: int, limit: int
    ) -> list[Candidate]:
        """Subscriptions with due work and no live lease, not leased: each organization's first, then
        each one's second, … (at most `per_organization` each), least recently leased first."""
        ...

    def lease(self, subscription_ids: Collection[str], worker: str, now: int, until: int) -> list[str]:
        """Lease those of these subscriptions that are still free; return their ids."""
        ...

    def leased(
        self, subscription_ids: Collection[str], worker: str, *, served_only: bool = False
    ) -> dict[str, Subscription]:
        """Those of these subscriptions `worker` still holds, locked for this unit of work.

        `served_only` leaves out those of organizations without an active Datahub subscription.
        """
        ...

    def served(self, organization_ids: Collection[str]) -> set[str]:
        """Those of these organizations whose Datahub subscription is active (webhooks are sent to them)."""
        ...

    def release(self, subscription_ids: Collection[str], worker: str) -> None:
        """Give leases back."""
        ...

    def count(self, organization_id: str) -> int:
        """How many subscriptions an organization has."""
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
        """The pending batches of each subscription in event order (normally zero or one), without bodies."""
        ...

    def save_many(self, batches: Sequence[Batch]) -> None:
        """Write back changed batches (all but their frozen content), in bulk."""
        ...

    def pending_events(self, subscription_id: str | None) -> int:
        """Events held in pending batches, of one subscription or (None) of all."""
        ...

    def list(
        self, subscription_id: str, status: BatchStatus | None, before_position: int | None, limit: int
    ) -> list[Batch]:
        """Batches of a subscription, newest first, with empty bodies."""
        ...

    def oldest_position(self, subscription_id: str) -> int | None:
        """The delivery-log position of the subscription's oldest batch still held (None without one)."""
        ...

    def last_recovery(self, subscription_id: str) -> int:
        """The number of the subscription's latest recovery (0 when its events were never recovered)."""
        ...


class AttemptRepository(Protocol):
    """The delivery attempt log."""

    def add_many(self, attempts: Sequence[Attempt]) -> None:
        """Append attempts."""
        ...

    def latest(self, batch_ids: Sequence[str], per_batch: int) -> dict[str, list[Attempt]]:
        """The latest `per_batch` attempts of each batch, oldest first."""
        ...

    def per_bucket(
        self, subscription_id: str, start: int, end: int, bucket_ms: int
    ) -> dict[int, DeliveryBucket]:
        """A subscription's attempts in [start, end) summed per bucket, keyed by the bucket's start."""
        ...

    def latency(self, subscription_id: str, start: int, end: int) -> Latency:
        """The median and 95th percentile duration of a subscription's attempts in [start, end)."""
        ...


class FeedRepository(Protocol):
    """Datahub feeds and their positions."""

    def add(self, feed: Feed) -> None:
        """Insert a new feed."""
        ...

    def get(self, feed_id: str, *, lock: bool = False) -> Feed | None:
        """One feed (locked for this unit of work when `lock`, so polls of it take turns), or None."""
        ...

    def save(self, feed: Feed) -> None:
        """Write back a changed feed."""
        ...

    def delete(self, feed_id: str) -> None:
        """Remove a feed."""
        ...

    def list(self, organization_id: str, after: str | None, limit: int) -> list[Feed]:
        """The organization's feeds by id after `after`."""
        ...


class IdempotencyRepository(Protocol):
    """Idempotency keys and the answers given to them."""

    def reserve(self, answer: StoredAnswer) -> StoredAnswer | None:
        """Claim the key for a request; None when claimed, else the record already held for the key."""
        ...

    def complete(self, scope: str, key: str, status: int, answer: str) -> None:
        """Keep the answer given to the key's request."""
        ...

    def release(self, scope: str, key: str, created_at: int) -> None:
        """Forget the key's record made at `created_at` (failed request, or expired record)."""
        ...


class TakenMessageRepository(Protocol):
    """Digests of the MQTT messages taken, to recognize one the broker sends again."""

    def taken(self, digests: Collection[bytes]) -> set[bytes]:
        """Those of `digests` already taken."""
        ...

    def remember(self, digests: Collection[bytes], at_ms: int) -> None:
        """Note these messages as taken at `at_ms` (a digest taken before keeps its row)."""
        ...

    def keep_newest(self, count: int) -> int:
        """Forget all but the `count` newest digests (and those taken in the same millisecond as the
        last of them); how many were forgotten."""
        ...


class UnknownUnitRepository(Protocol):
    """Unit ids refused at ingest as not provisioned, bounded in number."""

    def note(self, seen: Sequence[UnknownUnit], limit: int) -> int:
        """Add these sightings; keep at most `limit` ids (the least recently seen go); returns the evicted."""
        ...

    def list(self, after: str | None, limit: int) -> list[UnknownUnit]:
        """The ids not provisioned since, most recently seen first, after the id `after`."""
        ...

    def forget(self, unit_id: str) -> None:
        """Drop one id (it was provisioned)."""
        ...
