"""The fleet overview: units by state, and each subscription's delivery health over the last 24 hours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pairhub.domain.overview import (
    HOUR_MS,
    DeliveryHour,
    HourWindow,
    Latency,
    UnitCounts,
    every_hour,
    unit_counts,
    window_ending_at,
)
from pairhub.ports import Clock, Storage
from pairhub.services import organizations
from pairhub.services.subscriptions import SubscriptionView, view_of

SUBSCRIPTIONS_SHOWN = 20


@dataclass(frozen=True)
class DeliveryHealth:
    """One subscription's state, backlog, and its delivery log of the window hour by hour."""

    subscription: SubscriptionView
    hours: Sequence[DeliveryHour]
    latency: Latency


@dataclass(frozen=True)
class FleetOverview:
    """What an operator checks first: where the units stand and how delivery goes."""

    at: int
    window: HourWindow
    units: UnitCounts
    datahub_active: bool
    subscriptions: Sequence[DeliveryHealth]
    more_subscriptions: bool
    """True when the organization has more subscriptions than the overview shows."""


class Overview:
    """The overview of one organization, read in one consistent snapshot."""

    def __init__(self, storage: Storage, clock: Clock) -> None:
        self._storage = storage
        self._clock = clock

    def of(self, organization_id: str) -> FleetOverview:
        """The organization's units by state and its subscriptions' delivery over the last 24 hours."""
        now = self._clock.now_ms()
        window = window_ending_at(now)
        with self._storage.read() as uow:
            organization = organizations.require(uow, organization_id)
            counts = unit_counts(uow.units.count_by_state(organization_id))
            found = uow.subscriptions.list(organization_id, None, SUBSCRIPTIONS_SHOWN + 1)
            health = [
                DeliveryHealth(
                    view_of(uow, sub),
                    every_hour(window, uow.attempts.hourly(sub.id, window.start, window.end, HOUR_MS)),
                    uow.attempts.latency(sub.id, window.start, window.end),
                )
                for sub in found[:SUBSCRIPTIONS_SHOWN]
            ]
        active = organization.datahub_subscription_active
        return FleetOverview(
            at=now,
            window=window,
            units=counts,
            datahub_active=active,
            subscriptions=health,
            more_subscriptions=len(found) > SUBSCRIPTIONS_SHOWN,
        )
