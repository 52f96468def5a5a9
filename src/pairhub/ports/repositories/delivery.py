"""Webhook delivery: subscriptions with their leases, their frozen batches, and the attempt log."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from pairhub.domain.fair_shares import Candidate
from pairhub.domain.overview import DeliveryBucket, Latency
from pairhub.domain.subscriptions import Attempt, Batch, BatchStatus, Subscription


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
