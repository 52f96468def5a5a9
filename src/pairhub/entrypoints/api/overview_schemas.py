"""The response body of the fleet overview (`GET /v1/organizations/{orgId}/overview`)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class UnitCountsOut(BaseModel):
    """How many units stand where."""

    total: int
    paired: int
    notPaired: int
    byState: dict[str, int] = Field(description="Units per auto-pairing state (every state, zeros included).")


class WaitingOut(BaseModel):
    """Units waiting in auto pairing, per outcome."""

    total: int
    notFound: int
    multipleMatchFound: int
    invalidData: int
    unknown: int


class DeliveryHourOut(BaseModel):
    """One hour of a subscription's delivery log."""

    start: str = Field(description="The hour's first instant, UTC.")
    eventsDelivered: int = Field(description="Events in batches a successful attempt of this hour delivered.")
    attemptsSucceeded: int = Field(description="Attempts the receiver answered with 2xx.")
    attemptsRetried: int = Field(description="Attempts that failed and leave the batch to be sent again.")
    attemptsRefused: int = Field(description="Attempts the receiver refused for good (4xx, 410).")
    attempts: int = Field(
        description="Every attempt of the hour, those whose answer was not recorded included."
    )


class LatencyOut(BaseModel):
    """Attempt durations over the 24 hours, nearest-rank percentiles (null without attempts)."""

    attempts: int
    p50: int | None
    p95: int | None


class LastDayOut(BaseModel):
    """A subscription's delivery over the last 24 clock hours (UTC), one entry per hour, oldest first."""

    start: str
    end: str
    hours: list[DeliveryHourOut]
    latencyMs: LatencyOut


class SubscriptionHealthOut(BaseModel):
    """A subscription's state, backlog and delivery health."""

    id: str
    url: str
    description: str | None
    state: str
    eventVersion: int
    backlog: int = Field(description="Events waiting to be delivered.")
    oldestWaitingEventAt: str | None = Field(description="When the oldest waiting event was registered.")
    eventsDelivered: int
    eventsRefused: int = Field(description="Events in batches the receiver refused for good.")
    eventsExpired: int
    lastDay: LastDayOut


class MqttOut(BaseModel):
    """The MQTT broker connection of this process."""

    connected: bool
    lastError: str | None


class OverviewOut(BaseModel):
    """The fleet at a glance: units by state, waiting units, and each subscription's delivery health."""

    generatedAt: str
    units: UnitCountsOut
    waiting: WaitingOut
    datahubSubscriptionActive: bool
    subscriptions: list[SubscriptionHealthOut] = Field(description="The first 20 subscriptions by id.")
    moreSubscriptions: bool
    mqtt: MqttOut | None = Field(description="Null when MQTT is not configured.")
