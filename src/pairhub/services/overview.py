"""The fleet overview: units by state, pairing activity, and each subscription's delivery health."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pairhub.domain.overview import (
    DeliveryBucket,
    Latency,
    PairingBucket,
    Range,
    UnitCounts,
    Window,
    every_bucket,
    every_pairing_bucket,
    unit_counts,
    window_ending_at,
)
from pairhub.ports import Clock, Storage
from pairhub.services import organizations
from pairhub.services.subscriptions import SubscriptionView, view_of

SUBSCRIPTIONS_SHOWN = 20


@dataclass(frozen=True)
class DeliveryHealth:
    """One subscription's state, backlog, and its delivery log of the window bucket by bucket."""

    subscription: SubscriptionView
    buckets: Sequence[DeliveryBucket]
    latency: Latency


@dataclass(frozen=True)
class FleetOverview:
    """What an operator checks first: where the units stand, what auto pairing did, how delivery goes."""

    at: int
    window: Window
    span: Range
    units: UnitCounts
    has_assets: bool
    auto_pairing_enabled: bool
    datahub_active: bool
    pairing: Sequence[PairingBucket]
    subscriptions: Sequence[DeliveryHealth]
    more_subscriptions: bool
    """True when the organization has more subscriptions than the overview shows."""

    @property
    def empty(self) -> bool:
        """Nothing set up yet: the page shows the first steps instead of empty charts."""
        return not self.has_assets and self.units.total == 0 and not self.subscriptions


class Overview:
    """The overview of one organization, read in one consistent snapshot."""

    def __init__(self, storage: Storage, clock: Clock) -> None:
        self._storage = storage
        self._clock = clock

    def of(self, organization_id: str, span: Range = Range.DAY) -> FleetOverview:
        """The organization's units by state, its pairing activity and its subscriptions' delivery."""
        now = self._clock.now_ms()
        window = window_ending_at(now, span)
        with self._storage.read() as uow:
            organization = organizations.require(uow, organization_id)
            counts = unit_counts(uow.units.count_by_state(organization_id))
            # One row is enough to know: a count would walk a million assets.
            has_assets = bool(uow.assets.search(organization_id, None, None, None, None, 1))
            pairing = uow.events.outcomes_per_bucket(
                organization_id, window.start, window.end, window.bucket_ms
            )
            found = uow.subscriptions.list(organization_id, None, SUBSCRIPTIONS_SHOWN + 1)
            health = [
                DeliveryHealth(
                    view_of(uow, sub),
                    every_bucket(
                        window, uow.attempts.per_bucket(sub.id, window.start, window.end, window.bucket_ms)
                    ),
                    uow.attempts.latency(sub.id, window.start, window.end),
                )
                for sub in found[:SUBSCRIPTIONS_SHOWN]
            ]
        return FleetOverview(
            at=now,
            window=window,
            span=span,
            units=counts,
            has_assets=has_assets,
            auto_pairing_enabled=organization.auto_pairing_enabled,
            datahub_active=organization.datahub_subscription_active,
            pairing=every_pairing_bucket(window, pairing),
            subscriptions=health,
            more_subscriptions=len(found) > SUBSCRIPTIONS_SHOWN,
        )

    def delivery_of(self, subscription_id: str, span: Range = Range.DAY) -> tuple[DeliveryBucket, ...]:
        """One subscription's attempts over the range by bucket (its page's counters)."""
        window = window_ending_at(self._clock.now_ms(), span)
        with self._storage.read() as uow:
            found = uow.attempts.per_bucket(subscription_id, window.start, window.end, window.bucket_ms)
        return every_bucket(window, found)
