"""Fast set-up of benchmark data straight into the database (the figures then go through HTTP)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, insert

from pairhub.adapters.sql import events as outbox
from pairhub.adapters.sql.tables import assets, units
from pairhub.domain.events import EventType, PairingEvent, Reason
from pairhub.domain.model import AutoPairingState
from pairhub.domain.vin import reversed_vin, serial_part

_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def vin_for(number: int, prefix: str = "WDB96340") -> str:
    """A unique, valid 17-character VIN for `number` (prefix + base-33 digits)."""
    digits = []
    for _ in range(17 - len(prefix)):
        number, digit = divmod(number, len(_ALPHABET))
        digits.append(_ALPHABET[digit])
    return prefix + "".join(reversed(digits))


def _chunks(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(total, start + size))


def insert_assets(engine: Engine, organization_id: str, count: int, prefix: str = "WDB96340") -> list[str]:
    """Insert `count` assets with VINs `vin_for(0..count-1)`; returns their ids in that order."""
    now = int(time.time() * 1000)
    ids = [str(uuid.uuid4()) for _ in range(count)]
    for chunk in _chunks(count, 20_000):
        rows: list[dict[str, Any]] = []
        for n in chunk:
            vin = vin_for(n, prefix)
            rows.append(
                {
                    "id": ids[n],
                    "organization_id": organization_id,
                    "vin": vin,
                    "vin_reversed": reversed_vin(vin),
                    "vin_serial": serial_part(vin),
                    "name": f"Trailer {n}",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        with engine.begin() as connection:
            connection.execute(insert(assets), rows)
    return ids


def insert_units(engine: Engine, organization_id: str, unit_ids: list[str]) -> None:
    """Provision units (idle, unpaired)."""
    now = int(time.time() * 1000)
    for chunk in _chunks(len(unit_ids), 20_000):
        rows = [
            {
                "id": unit_ids[n],
                "organization_id": organization_id,
                "created_at": now,
                "ap_state": AutoPairingState.IDLE.value,
                "ap_reminders_sent": 0,
            }
            for n in chunk
        ]
        with engine.begin() as connection:
            connection.execute(insert(units), rows)


def insert_events(engine: Engine, organization_ids: list[str], per_organization: int) -> None:
    """Record `per_organization` ManualPair events for each organization, in the outbox."""
    now = int(time.time() * 1000)
    asset = str(uuid.uuid4())
    for organization_id in organization_ids:
        for chunk in _chunks(per_organization, 10_000):
            events = [
                PairingEvent(
                    EventType.PAIRED,
                    organization_id,
                    f"tp:{n}",
                    now,
                    reason=Reason.MANUAL_PAIR,
                    asset_id=asset,
                    asset_vin="WDB9634031L738192",
                )
                for n in chunk
            ]
            with engine.begin() as connection:
                outbox.record_events(connection, events)
