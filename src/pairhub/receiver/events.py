"""Typed, frozen views of a batch; unknown future fields are kept aside, never an error."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Location:
    """A reported position (v1 `lat/lon` and v2 `latitude/longitude` both land here)."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class PairedEvent:
    """`unit.paired`: a success (ManualPair, AutoPair) or a failed auto-pairing attempt."""

    version: int
    registered_on: datetime
    organization_id: str
    unit_id: str
    status: str
    reason: str
    asset_id: str | None = None
    asset_vin: str | None = None
    sensor_vin: str | None = None
    candidate_asset_ids: tuple[str, ...] = ()
    location: Location | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        """True when the unit is now paired with `asset_id`."""
        return self.status == "success"


@dataclass(frozen=True)
class UnpairedEvent:
    """`unit.unpaired`: the unit left the asset."""

    version: int
    registered_on: datetime
    organization_id: str
    unit_id: str
    asset_id: str
    asset_vin: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


Event = PairedEvent | UnpairedEvent


@dataclass(frozen=True)
class Batch:
    """One webhook request: the envelope and its events."""

    batch_id: str
    subscription_id: str
    batch_time: datetime
    events: tuple[Event, ...]
    skipped_event_types: tuple[str, ...] = ()


_PAIRED_KEYS = {
    "registeredOn",
    "organizationId",
    "unitId",
    "status",
    "reason",
    "assetId",
    "assetVIN",
    "sensorVIN",
    "candidateAssetIds",
    "location",
}
_UNPAIRED_KEYS = {"registeredOn", "organizationId", "unitId", "assetId", "assetVIN"}


def parse_time(value: str) -> datetime:
    """An ISO 8601 UTC timestamp with up to 7 fractional digits (Python keeps 6)."""
    head, _, fraction = value.rstrip("Z").partition(".")
    micros = (fraction + "000000")[:6] if fraction else "000000"
    return datetime.fromisoformat(f"{head}.{micros}+00:00")


def _location(raw: Mapping[str, Any] | None) -> Location | None:
    if not raw:
        return None
    latitude = raw.get("latitude", raw.get("lat"))
    longitude = raw.get("longitude", raw.get("lon"))
    return Location(float(latitude), float(longitude))


def _event(item: Mapping[str, Any]) -> Event | None:
    data = item["eventData"]
    version = int(item.get("eventVersion", 1))
    if item["eventType"] == "unit.paired":
        return PairedEvent(
            version=version,
            registered_on=parse_time(data["registeredOn"]),
            organization_id=data["organizationId"],
            unit_id=data["unitId"],
            status=data["status"],
            reason=data["reason"],
            asset_id=data.get("assetId"),
            asset_vin=data.get("assetVIN"),
            sensor_vin=data.get("sensorVIN"),
            candidate_asset_ids=tuple(data.get("candidateAssetIds", ())),
            location=_location(data.get("location")),
            extra={k: v for k, v in data.items() if k not in _PAIRED_KEYS},
        )
    if item["eventType"] == "unit.unpaired":
        return UnpairedEvent(
            version=version,
            registered_on=parse_time(data["registeredOn"]),
            organization_id=data["organizationId"],
            unit_id=data["unitId"],
            asset_id=data["assetId"],
            asset_vin=data.get("assetVIN"),
            extra={k: v for k, v in data.items() if k not in _UNPAIRED_KEYS},
        )
    return None


def parse_batch(body: bytes | str | Mapping[str, Any]) -> Batch:
    """Parse a webhook body; event types this library does not know are listed, not fatal."""
    envelope = json.loads(body) if isinstance(body, bytes | str) else body
    events: list[Event] = []
    skipped: list[str] = []
    for item in envelope["eventsData"]:
        event = _event(item)
        if event is None:
            skipped.append(str(item.get("eventType")))
        else:
            events.append(event)
    return Batch(
        batch_id=envelope["eventBatchId"],
        subscription_id=envelope["eventSubscriptionId"],
        batch_time=parse_time(envelope["eventBatchTime"]),
        events=tuple(events),
        skipped_event_types=tuple(skipped),
    )
