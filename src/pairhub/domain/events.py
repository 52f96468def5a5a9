"""Canonical pairing events: what happened, independent of any payload version."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class EventType(StrEnum):
    """Event names of the `asset` event group."""

    PAIRED = "unit.paired"
    UNPAIRED = "unit.unpaired"


class Reason(StrEnum):
    """How a pairing happened or why it failed (the seed's `reason`)."""

    MANUAL_PAIR = "ManualPair"
    AUTO_PAIR = "AutoPair"
    INVALID_DATA = "InvalidData"
    NOT_FOUND = "NotFound"
    MULTIPLE_MATCH_FOUND = "MultipleMatchFound"
    UNKNOWN = "Unknown"


SUCCESS_REASONS = frozenset({Reason.MANUAL_PAIR, Reason.AUTO_PAIR})


class Location(NamedTuple):
    """A reported position in decimal degrees."""

    # A named tuple rather than a frozen dataclass: ingest builds one per message, a thousand a
    # request, and a tuple is built in a third of the time.

    latitude: float
    longitude: float


@dataclass(frozen=True)
class PairingEvent:
    """One canonical event; `registered_at_ms` is milliseconds since the Unix epoch, UTC."""

    event_type: EventType
    organization_id: str
    unit_id: str
    registered_at_ms: int
    reason: Reason | None = None
    asset_id: str | None = None
    asset_vin: str | None = None
    sensor_vin: str | None = None
    candidate_asset_ids: tuple[str, ...] = ()
    location: Location | None = None

    @property
    def status(self) -> str | None:
        """`success` or `failed` for `unit.paired`; None for `unit.unpaired`."""
        if self.event_type is EventType.UNPAIRED or self.reason is None:
            return None
        return "success" if self.reason in SUCCESS_REASONS else "failed"


def manual_pair(
    organization_id: str, unit_id: str, asset_id: str, asset_vin: str | None, at_ms: int
) -> PairingEvent:
    """The event of a successful manual pairing."""
    return PairingEvent(
        EventType.PAIRED,
        organization_id,
        unit_id,
        at_ms,
        reason=Reason.MANUAL_PAIR,
        asset_id=asset_id,
        asset_vin=asset_vin,
    )


def manual_unpair(
    organization_id: str, unit_id: str, asset_id: str, asset_vin: str | None, at_ms: int
) -> PairingEvent:
    """The event of a manual unpairing, with the asset's VIN at that moment."""
    return PairingEvent(
        EventType.UNPAIRED, organization_id, unit_id, at_ms, asset_id=asset_id, asset_vin=asset_vin
    )


def auto_pair(
    organization_id: str,
    unit_id: str,
    asset_id: str,
    asset_vin: str | None,
    sensor_vin: str,
    location: Location | None,
    at_ms: int,
) -> PairingEvent:
    """The event of a successful auto pairing (exact or single partial match)."""
    return PairingEvent(
        EventType.PAIRED,
        organization_id,
        unit_id,
        at_ms,
        reason=Reason.AUTO_PAIR,
        asset_id=asset_id,
        asset_vin=asset_vin,
        sensor_vin=sensor_vin,
        location=location,
    )


def auto_pair_failed(
    reason: Reason,
    organization_id: str,
    unit_id: str,
    sensor_vin: str | None,
    location: Location | None,
    at_ms: int,
    candidate_asset_ids: tuple[str, ...] = (),
) -> PairingEvent:
    """The event of a failed auto-pairing attempt; candidates travel with MultipleMatchFound only."""
    if reason in SUCCESS_REASONS:
        raise ValueError(f"{reason} is not a failure reason")
    return PairingEvent(
        EventType.PAIRED,
        organization_id,
        unit_id,
        at_ms,
        reason=reason,
        sensor_vin=sensor_vin or None,
        candidate_asset_ids=candidate_asset_ids if reason is Reason.MULTIPLE_MATCH_FOUND else (),
        location=location,
    )
