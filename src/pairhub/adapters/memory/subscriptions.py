"""Webhook subscriptions, batches and attempts in memory, with the same leases as on SQL."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from pairhub.adapters.memory.state import MemoryState
from pairhub.domain.delivery_machine import due
from pairhub.domain.fair_shares import Candidate
from pairhub.domain.organizations import Organization
from pairhub.domain.overview import DeliveryBucket, Latency, add_attempts, nearest_rank
from pairhub.domain.subscriptions import Attempt, Batch, BatchStatus, Subscription, SubscriptionState
from pairhub.ports import StoredEvent


@dataclass(frozen=True)
class Lease:
    """Who holds a subscription, until when (kept after release to order claims fairly)."""

    owner: str | None
    expires_at: int | None


class MemorySubscriptions:
    """Subscriptions by id, and their leases."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> dict[str, Subscription]:
        return self._state.table("subscriptions", dict)

    @property
    def _leases(self) -> dict[str, Lease]:
        return self._state.table("subscription_leases", dict)

    def add(self, subscription: Subscription) -> None:
        """Insert a new subscription."""
        self._rows[subscription.id] = subscription

    def get(self, subscription_id: str, *, lock: bool = False) -> Subscription | None:
        """One subscription, or None (the storage lock already serializes units of work)."""
        return self._rows.get(subscription_id)

    def save(self, subscription: Subscription) -> None:
        """Write back a changed subscription."""
        if subscription.id in self._rows:
            self._rows[subscription.id] = subscription

    def save_many(self, subscriptions: Sequence[Subscription], worker: str, lease_until: int) -> None:
        """Write back subscriptions leased by `worker` and renew their leases."""
        for sub in subscriptions:
            if sub.id in self._rows and self._owner(sub.id) == worker:
                self._rows[sub.id] = sub
                self._leases[sub.id] = Lease(worker, lease_until)

    def delete(self, subscription_id: str) -> None:
        """Remove a subscription with its batches and attempt log."""
        self._rows.pop(subscription_id, None)
        self._leases.pop(subscription_id, None)
        batches: dict[str, Batch] = self._state.table("batches", dict)
        for batch_id in [b.id for b in batches.values() if b.subscription_id == subscription_id]:
            del batches[batch_id]
        logged: list[tuple[int, Attempt]] = self._state.table("attempts", list)
        logged[:] = [entry for entry in logged if entry[1].subscription_id != subscription_id]

    def _owner(self, subscription_id: str) -> str | None:
        lease = self._leases.get(subscription_id)
        return lease.owner if lease else None

    def _heads(self) -> dict[str, int]:
        """The newest event of each organization."""
        heads: dict[str, int] = {}
        events: list[StoredEvent] = self._state.table("events", list)
        for stored in events:
            organization_id = stored.event.organization_id
            heads[organization_id] = max(heads.get(organization_id, 0), stored.seq)
        return heads

    def _served(self, sub: Subscription) -> bool:
        organizations: dict[str, Organization] = self._state.table("organizations", dict)
        organization = organizations.get(sub.organization_id)
        return organization is not None and organization.datahub_subscription_active

    def candidates(
        self, now: int, busy: Collection[str], per_organization: int, limit: int
    ) -> list[Candidate]:
        """Subscriptions with due work and no live lease, in turns across organizations (not leased)."""
        if limit <= 0:
            return []
        by_organization: dict[str, list[tuple[int, str]]] = {}
        heads = self._heads()
        for sub in self._rows.values():
            if (
                sub.id not in busy
                and self._free(sub.id, now)
                and self._served(sub)
                and due(sub, now, heads.get(sub.organization_id, 0))
            ):
                turn = self._leases.get(sub.id, Lease(None, None)).expires_at or 0
                by_organization.setdefault(sub.organization_id, []).append((turn, sub.id))
        ranked = []
        for organization_id, subs in by_organization.items():
            for rank, (turn, sub_id) in enumerate(sorted(subs)[:per_organization]):
                ranked.append((rank, turn, sub_id, organization_id))
        return [Candidate(sub_id, org) for _, _, sub_id, org in sorted(ranked)[:limit]]

    def _free(self, subscription_id: str, now: int) -> bool:
        lease = self._leases.get(subscription_id)
        return lease is None or lease.owner is None or (lease.expires_at or 0) <= now

    def lease(self, subscription_ids: Collection[str], worker: str, now: int, until: int) -> list[str]:
        """Lease those of these subscriptions that are still free; return their ids."""
        taken = [sub_id for sub_id in subscription_ids if sub_id in self._rows and self._free(sub_id, now)]
        for subscription_id in taken:
            self._leases[subscription_id] = Lease(worker, until)
        return taken

    def leased(
        self, subscription_ids: Collection[str], worker: str, *, served_only: bool = False
    ) -> dict[str, Subscription]:
        """Those of these subscriptions that `worker` still holds."""
        found = {}
        for subscription_id in sorted(subscription_ids):
            sub = self._rows.get(subscription_id)
            held = sub is not None and self._owner(subscription_id) == worker
            if held and sub is not None and (not served_only or self._served(sub)):
                found[subscription_id] = sub
        return found

    def served(self, organization_ids: Collection[str]) -> set[str]:
        """Those of these organizations whose Datahub subscription is active."""
        known: dict[str, Organization] = self._state.table("organizations", dict)
        return {
            org_id
            for org_id in organization_ids
            if org_id in known and known[org_id].datahub_subscription_active
        }

    def release(self, subscription_ids: Collection[str], worker: str) -> None:
        """Give leases back; the expiry stays, to order the next claims fairly."""
        for subscription_id in subscription_ids:
            lease = self._leases.get(subscription_id)
            if lease is not None and lease.owner == worker:
                self._leases[subscription_id] = Lease(None, lease.expires_at)

    def count(self, organization_id: str) -> int:
        """How many subscriptions an organization has."""
        return sum(1 for sub in self._rows.values() if sub.organization_id == organization_id)

    def count_on_hold(self) -> int:
        """How many subscriptions are on hold."""
        return sum(1 for sub in self._rows.values() if sub.state is SubscriptionState.ON_HOLD)

    def list(self, organization_id: str | None, after: str | None, limit: int) -> list[Subscription]:
        """Subscriptions by id after `after`, of one organization or (None) of all."""
        found = sorted(
            (
                sub
                for sub in self._rows.values()
                if organization_id in (None, sub.organization_id) and (not after or sub.id > after)
            ),
            key=lambda sub: sub.id,
        )
        return found[:limit]


class MemoryBatches:
    """Batches by id."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> dict[str, Batch]:
        return self._state.table("batches", dict)

    def add_many(self, batches: Sequence[Batch]) -> None:
        """Insert new batches; one range of events is cut once per subscription."""
        taken = {(b.subscription_id, b.first_seq, b.recovery) for b in self._rows.values()}
        for batch in batches:
            if batch.id in self._rows or (batch.subscription_id, batch.first_seq, batch.recovery) in taken:
                raise ValueError(f"batch {batch.id} exists already")
            self._rows[batch.id] = batch

    def get(self, batch_id: str) -> Batch | None:
        """One batch, or None."""
        return self._rows.get(batch_id)

    def get_many(self, batch_ids: Collection[str]) -> dict[str, Batch]:
        """These batches by id."""
        return {batch_id: self._rows[batch_id] for batch_id in batch_ids if batch_id in self._rows}

    def pending_of(self, subscription_ids: Collection[str]) -> dict[str, list[Batch]]:
        """The pending batches of each subscription in event order, with empty bodies as on SQL."""
        found: dict[str, list[Batch]] = {subscription_id: [] for subscription_id in subscription_ids}
        for batch in sorted(self._rows.values(), key=lambda b: (b.recovery, b.first_seq)):
            if batch.status is BatchStatus.PENDING and batch.subscription_id in found:
                found[batch.subscription_id].append(replace(batch, body=""))
        return found

    def save_many(self, batches: Sequence[Batch]) -> None:
        """Write back changed batches (their frozen content stays)."""
        for batch in batches:
            if batch.id in self._rows:
                self._rows[batch.id] = replace(batch, body=self._rows[batch.id].body)

    def pending_events(self, subscription_id: str | None) -> int:
        """Events held in pending batches, of one subscription or (None) of all."""
        return sum(
            b.event_count
            for b in self._rows.values()
            if b.status is BatchStatus.PENDING and subscription_id in (None, b.subscription_id)
        )

    def list(
        self, subscription_id: str, status: BatchStatus | None, before_position: int | None, limit: int
    ) -> list[Batch]:
        """Batches of a subscription, newest first, with empty bodies as on SQL."""
        found = [
            replace(b, body="")
            for b in self._rows.values()
            if b.subscription_id == subscription_id
            and status in (None, b.status)
            and (before_position is None or b.log_position < before_position)
        ]
        return sorted(found, key=lambda b: -b.log_position)[:limit]

    def oldest_position(self, subscription_id: str) -> int | None:
        """The delivery-log position of the subscription's oldest batch still held (None without one)."""
        return min(
            (b.log_position for b in self._rows.values() if b.subscription_id == subscription_id),
            default=None,
        )

    def last_recovery(self, subscription_id: str) -> int:
        """The number of the subscription's latest recovery (0 when its events were never recovered)."""
        return max(
            (b.recovery for b in self._rows.values() if b.subscription_id == subscription_id), default=0
        )


class MemoryAttempts:
    """The attempt log in insertion order."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> list[tuple[int, Attempt]]:
        return self._state.table("attempts", list)

    def add_many(self, attempts: Sequence[Attempt]) -> None:
        """Append attempts."""
        for attempt in attempts:
            self._rows.append((self._state.next_seq("attempts"), attempt))

    def latest(self, batch_ids: Sequence[str], per_batch: int) -> dict[str, list[Attempt]]:
        """The latest `per_batch` attempts of each batch, oldest first."""
        found: dict[str, list[Attempt]] = {batch_id: [] for batch_id in batch_ids}
        for _, attempt in self._rows:
            if attempt.batch_id in found:
                found[attempt.batch_id].append(attempt)
        return {batch_id: logged[-per_batch:] if per_batch else [] for batch_id, logged in found.items()}

    def per_bucket(
        self, subscription_id: str, start: int, end: int, bucket_ms: int
    ) -> dict[int, DeliveryBucket]:
        """A subscription's attempts in [start, end) summed per bucket, keyed by the bucket's start."""
        batches: dict[str, Batch] = self._state.table("batches", dict)
        found: dict[int, DeliveryBucket] = {}
        for attempt in self._window(subscription_id, start, end):
            at = start + (attempt.attempted_at - start) // bucket_ms * bucket_ms
            batch = batches.get(attempt.batch_id)
            sent = batch.event_count if batch is not None else 0
            found[at] = add_attempts(found.get(at, DeliveryBucket(at)), attempt.outcome, 1, sent)
        return found

    def latency(self, subscription_id: str, start: int, end: int) -> Latency:
        """Median and 95th percentile attempt duration in [start, end), by nearest rank."""
        durations = sorted(a.duration_ms for a in self._window(subscription_id, start, end))
        if not durations:
            return Latency(0, None, None)
        count = len(durations)
        return Latency(count, durations[nearest_rank(count, 50)], durations[nearest_rank(count, 95)])

    def _window(self, subscription_id: str, start: int, end: int) -> list[Attempt]:
        return [
            attempt
            for _, attempt in self._rows
            if attempt.subscription_id == subscription_id and start <= attempt.attempted_at < end
        ]
