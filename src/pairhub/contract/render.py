"""Render canonical events into the seed's `eventData`, envelopes and timestamps, per version."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson

from pairhub.domain.events import EventType, Location, PairingEvent, Reason

SUPPORTED_VERSIONS = (1, 2)
EVENTS_BY_VERSION: dict[int, tuple[str, ...]] = {
    1: (EventType.PAIRED.value, EventType.UNPAIRED.value),
    2: (EventType.PAIRED.value,),
}


@lru_cache(maxsize=4096)
def _utc_second(epoch_s: int) -> str:
    # The events of a batch share a handful of seconds; formatting a datetime is the costly part.
    return f"{datetime.fromtimestamp(epoch_s, tz=UTC):%Y-%m-%dT%H:%M:%S}"


def format_registered_on(epoch_ms: int) -> str:
    """UTC with 3 fractional digits and `Z`, as the seed's `registeredOn`."""
    return f"{_utc_second(epoch_ms // 1000)}.{epoch_ms % 1000:03d}Z"


def format_batch_time(epoch_ns: int) -> str:
    """UTC with 7 fractional digits (100 ns ticks) and `Z`, as the seed's `eventBatchTime`."""
    seconds, remainder_ns = divmod(epoch_ns, 1_000_000_000)
    return f"{_utc_second(seconds)}.{remainder_ns // 100:07d}Z"


def offers(version: int, event_type: str) -> bool:
    """True when payload `version` carries events named `event_type`."""
    return event_type in EVENTS_BY_VERSION.get(version, ())


def _location(location: Location, version: int) -> dict[str, float]:
    # v1 abbreviates the keys; v2 spells them out. Values are passed through untouched.
    if version == 1:
        return {"lat": location.latitude, "lon": location.longitude}
    return {"latitude": location.latitude, "longitude": location.longitude}


def render_event_data(event: PairingEvent, version: int) -> dict[str, Any]:
    """The `eventData` object of `event` for payload `version`, keys in the seed's order, absent not null."""
    data: dict[str, Any] = {
        "registeredOn": format_registered_on(event.registered_at_ms),
        "organizationId": event.organization_id,
    }
    if event.event_type is EventType.UNPAIRED:
        data["assetId"] = event.asset_id
        data["unitId"] = event.unit_id
        if event.asset_vin:
            data["assetVIN"] = event.asset_vin
        return data
    if event.reason is Reason.MANUAL_PAIR:
        # The seed's ManualPair examples put assetId before unitId; every other outcome after reason.
        data["assetId"] = event.asset_id
    data["unitId"] = event.unit_id
    data["status"] = event.status
    data["reason"] = event.reason.value if event.reason else None
    if event.reason is not Reason.MANUAL_PAIR and event.asset_id is not None:
        data["assetId"] = event.asset_id
    if event.asset_vin:
        data["assetVIN"] = event.asset_vin
    if event.sensor_vin:
        data["sensorVIN"] = event.sensor_vin
    if event.reason is Reason.MULTIPLE_MATCH_FOUND:
        data["candidateAssetIds"] = list(event.candidate_asset_ids)
    if event.location is not None:
        data["location"] = _location(event.location, version)
    return data


def render_event(event: PairingEvent, version: int) -> dict[str, Any]:
    """One element of `eventsData`."""
    return {
        "eventType": event.event_type.value,
        "eventVersion": version,
        "eventData": render_event_data(event, version),
    }


def render_fragment(event: PairingEvent, version: int) -> str | None:
    """`render_event` as compact JSON, or None when payload `version` does not carry the event."""
    if not offers(version, event.event_type.value):
        return None
    return orjson.dumps(render_event(event, version)).decode("utf-8")


def envelope_json(batch_id: str, subscription_id: str, batch_time_ns: int, fragments: Sequence[str]) -> str:
    """`render_envelope` as JSON, byte for byte, around events rendered beforehand by `render_fragment`."""
    # Cutting a batch of 500 then joins stored text instead of building and dumping 500 objects.
    head = orjson.dumps(
        {
            "eventBatchId": batch_id,
            "eventSubscriptionId": subscription_id,
            "eventBatchTime": format_batch_time(batch_time_ns),
            "eventsData": [],
        }
    ).decode("utf-8")
    return f"{head[:-2]}{','.join(fragments)}]}}"


def render_envelope(
    batch_id: str,
    subscription_id: str,
    batch_time_ns: int,
    events: Sequence[PairingEvent],
    version: int,
) -> dict[str, Any]:
    """The Datahub envelope of one batch."""
    return {
        "eventBatchId": batch_id,
        "eventSubscriptionId": subscription_id,
        "eventBatchTime": format_batch_time(batch_time_ns),
        "eventsData": [render_event(event, version) for event in events],
    }
