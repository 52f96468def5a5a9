"""The fleet overview: the numbers of the UI's first page in one call."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pairhub.domain.overview import WAITING_OUTCOMES
from pairhub.entrypoints.api.deps import ContainerDep, OrgIdDep
from pairhub.entrypoints.api.overview_schemas import OverviewOut
from pairhub.entrypoints.api.presenters import iso
from pairhub.services.overview import DeliveryHealth, FleetOverview

router = APIRouter(prefix="/v1/organizations/{org_id}/overview", tags=["overview"])


def _health(health: DeliveryHealth, overview: FleetOverview) -> dict[str, Any]:
    sub = health.subscription.record
    return {
        "id": sub.id,
        "url": sub.url,
        "description": sub.description,
        "state": sub.state.value,
        "eventVersion": sub.event_version,
        "backlog": health.subscription.backlog,
        "oldestWaitingEventAt": iso(health.subscription.oldest_waiting_at),
        "eventsDelivered": sub.events_delivered,
        "eventsRefused": sub.events_failed,
        "eventsExpired": sub.events_expired,
        "lastDay": {
            "start": iso(overview.window.start),
            "end": iso(overview.window.end),
            "hours": [
                {
                    "start": iso(bucket.start),
                    "eventsDelivered": bucket.events_delivered,
                    "attemptsSucceeded": bucket.attempts_succeeded,
                    "attemptsRetried": bucket.attempts_retried,
                    "attemptsRefused": bucket.attempts_refused,
                    "attempts": bucket.attempts,
                }
                for bucket in health.buckets
            ],
            "latencyMs": {
                "attempts": health.latency.attempts,
                "p50": health.latency.p50_ms,
                "p95": health.latency.p95_ms,
            },
        },
    }


@router.get("", response_model=OverviewOut)
def overview(org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Units by pairing state, units waiting by outcome, and each subscription's last 24 hours."""
    found = c.overview.of(org_id)
    units = found.units
    waiting = {state.value: units.of(state) for state in WAITING_OUTCOMES}
    mqtt = c.mqtt_status
    return {
        "generatedAt": iso(found.at),
        "units": {
            "total": units.total,
            "paired": units.paired,
            "notPaired": units.not_paired,
            "byState": {state.value: count for state, count in units.by_state.items()},
        },
        "waiting": {"total": sum(waiting.values()), **waiting},
        "datahubSubscriptionActive": found.datahub_active,
        "subscriptions": [_health(health, found) for health in found.subscriptions],
        "moreSubscriptions": found.more_subscriptions,
        "mqtt": {"connected": mqtt.connected, "lastError": mqtt.last_error} if mqtt.configured else None,
    }
