"""One example of every event type, reason and payload version, built from the seed's values.

The examples are canonical events rendered by `render.py`, so they can never drift from what pairhub
sends; the event-type catalogue and the OpenAPI `webhooks` section show them.
"""

from __future__ import annotations

from typing import Any

from pairhub.contract.render import EVENTS_BY_VERSION, SUPPORTED_VERSIONS, render_envelope, render_event
from pairhub.domain.events import EventType, Location, PairingEvent, Reason

EXAMPLE_BATCH_ID = "31fccdce-725e-4c87-a91b-3a8e66144641"
EXAMPLE_SUBSCRIPTION_ID = "41634ca6-a7fb-4dc2-9461-7e9b24be885e"
EXAMPLE_BATCH_TIME_NS = 1_747_142_293_201_731_000
"""2025-05-13T13:18:13.2017310Z, the seed's `eventBatchTime`."""
_REGISTERED_ON_MS = 1_747_088_400_000
_ORGANIZATION = "c8c90b90-ad39-4a3d-8b89-c25a22acaa25"
_ASSET = "5bca3b72-e006-4cea-bfaa-f5a4dcf3a63c"
_OTHER_ASSET = "d8d90d90-dd29-3d3d-3b89-c45a22acab34"
_UNIT = "tp:890123847562332"
_ASSET_VIN = "1HGCM82633A000001"
_HERE = Location(50.869, 2.8942)

_PAIRED: dict[Reason, dict[str, Any]] = {
    Reason.MANUAL_PAIR: {"asset_id": _ASSET, "asset_vin": _ASSET_VIN},
    Reason.AUTO_PAIR: {
        "asset_id": _ASSET,
        "asset_vin": _ASSET_VIN,
        "sensor_vin": "F3A000001",
        "location": _HERE,
    },
    Reason.INVALID_DATA: {"sensor_vin": "F3B0", "location": _HERE},
    Reason.NOT_FOUND: {"sensor_vin": "F3C000001", "location": _HERE},
    Reason.MULTIPLE_MATCH_FOUND: {
        "sensor_vin": "F3D000001",
        "candidate_asset_ids": (_ASSET, _OTHER_ASSET),
        "location": _HERE,
    },
    Reason.UNKNOWN: {"sensor_vin": "F3E000001", "location": _HERE},
}


def example_event(event_type: EventType, reason: Reason | None = None) -> PairingEvent:
    """The canonical example of `unit.unpaired`, or of `unit.paired` with `reason`."""
    if event_type is EventType.UNPAIRED:
        return PairingEvent(
            EventType.UNPAIRED, _ORGANIZATION, _UNIT, _REGISTERED_ON_MS, asset_id=_ASSET, asset_vin=_ASSET_VIN
        )
    assert reason is not None
    return PairingEvent(
        EventType.PAIRED, _ORGANIZATION, _UNIT, _REGISTERED_ON_MS, reason=reason, **_PAIRED[reason]
    )


def examples_of(event_type: str, version: int) -> dict[str, dict[str, Any]]:
    """The `eventsData` elements of one event type and version, by name (the reason, or `unpaired`)."""
    kind = EventType(event_type)
    if kind is EventType.UNPAIRED:
        return {"unpaired": render_event(example_event(kind), version)}
    return {reason.value: render_event(example_event(kind, reason), version) for reason in Reason}


def example_batch(version: int, event_type: str, name: str) -> dict[str, Any]:
    """A whole webhook batch carrying one example event."""
    kind = EventType(event_type)
    event = example_event(kind, None if kind is EventType.UNPAIRED else Reason(name))
    return render_envelope(EXAMPLE_BATCH_ID, EXAMPLE_SUBSCRIPTION_ID, EXAMPLE_BATCH_TIME_NS, [event], version)


def all_kinds() -> list[tuple[int, str]]:
    """Every (version, event type) pairhub sends, in the catalogue's order."""
    return [(version, name) for version in SUPPORTED_VERSIONS for name in EVENTS_BY_VERSION[version]]
