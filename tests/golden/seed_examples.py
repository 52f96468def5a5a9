"""The contract's example payloads, copied verbatim from the seed, and the inputs behind them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pairhub.domain.events import EventType, Location, PairingEvent, Reason

SEED_DIR = Path(__file__).parent / "seed"
SEED_REGISTERED_ON_MS = 1_747_088_400_000  # 2025-05-12T22:20:00.000Z
SEED_BATCH_TIME_NS = 1_747_142_293_201_731_000  # 2025-05-13T13:18:13.2017310Z
SEED_BATCH_ID = "31fccdce-725e-4c87-a91b-3a8e66144641"
SEED_SUBSCRIPTION_ID = "41634ca6-a7fb-4dc2-9461-7e9b24be885e"


def seed_examples() -> dict[str, dict[str, Any]]:
    """Every seed envelope by name, e.g. `v2-unit.paired-AutoPair`."""
    return {path.stem: json.loads(path.read_text()) for path in sorted(SEED_DIR.glob("*.json"))}


def event_behind(example: dict[str, Any]) -> PairingEvent:
    """The canonical event that the seed example describes (its inputs, not its layout)."""
    item = example["eventsData"][0]
    data = item["eventData"]
    location = None
    if "location" in data:
        raw = data["location"]
        location = Location(raw.get("lat", raw.get("latitude")), raw.get("lon", raw.get("longitude")))
    return PairingEvent(
        event_type=EventType(item["eventType"]),
        organization_id=data["organizationId"],
        unit_id=data["unitId"],
        registered_at_ms=SEED_REGISTERED_ON_MS,
        reason=Reason(data["reason"]) if "reason" in data else None,
        asset_id=data.get("assetId"),
        asset_vin=data.get("assetVIN"),
        sensor_vin=data.get("sensorVIN"),
        candidate_asset_ids=tuple(data.get("candidateAssetIds", ())),
        location=location,
    )
