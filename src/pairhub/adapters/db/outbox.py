"""The event outbox: canonical events stored with the state change that caused them."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, text

from pairhub.adapters.db.engine import OUTBOX_WRITTEN
from pairhub.adapters.db.tables import events
from pairhub.domain.events import EventType, Location, PairingEvent, Reason


def _lock_organization_feed(connection: Connection, organization_id: str) -> None:
    # On PostgreSQL a sequence value is taken at insert but becomes visible at commit, so two
    # concurrent writers could commit seq 8 before seq 7 and a reader past 8 would miss 7 forever.
    # One transaction-scoped lock per organization makes commit order equal seq order.
    # SQLite has a single writer, which gives the same guarantee for free.
    if connection.dialect.name == "postgresql":
        key = zlib.crc32(organization_id.encode()) - 2**31
        connection.execute(text("SELECT pg_advisory_xact_lock(1, :key)"), {"key": key})


def record_events(connection: Connection, batch: Iterable[PairingEvent]) -> None:
    """Insert events in the caller's transaction (the transactional outbox)."""
    rows = [_to_row(event) for event in batch]
    if not rows:
        return
    for organization_id in sorted({row["organization_id"] for row in rows}):
        _lock_organization_feed(connection, organization_id)
    connection.execute(insert(events), rows)
    connection.info[OUTBOX_WRITTEN] = True


def _to_row(event: PairingEvent) -> dict[str, Any]:
    return {
        "organization_id": event.organization_id,
        "event_type": event.event_type.value,
        "reason": event.reason.value if event.reason else None,
        "unit_id": event.unit_id,
        "asset_id": event.asset_id,
        "asset_vin": event.asset_vin,
        "sensor_vin": event.sensor_vin,
        "candidate_asset_ids": (
            json.dumps(list(event.candidate_asset_ids)) if event.candidate_asset_ids else None
        ),
        "latitude": event.location.latitude if event.location else None,
        "longitude": event.location.longitude if event.location else None,
        "registered_at": event.registered_at_ms,
    }


def to_event(row: RowMapping) -> PairingEvent:
    """Rebuild the canonical event from its stored row."""
    location = None
    if row["latitude"] is not None and row["longitude"] is not None:
        location = Location(row["latitude"], row["longitude"])
    candidates = json.loads(row["candidate_asset_ids"]) if row["candidate_asset_ids"] else []
    return PairingEvent(
        event_type=EventType(row["event_type"]),
        organization_id=row["organization_id"],
        unit_id=row["unit_id"],
        registered_at_ms=row["registered_at"],
        reason=Reason(row["reason"]) if row["reason"] else None,
        asset_id=row["asset_id"],
        asset_vin=row["asset_vin"],
        sensor_vin=row["sensor_vin"],
        candidate_asset_ids=tuple(candidates),
        location=location,
    )


def read_feed(
    connection: Connection,
    organization_id: str,
    after_seq: int,
    limit: int,
    event_types: Sequence[str],
) -> list[tuple[int, PairingEvent]]:
    """Up to `limit` events of the organization after `after_seq`, oldest first."""
    query = (
        select(events)
        .where(
            events.c.organization_id == organization_id,
            events.c.seq > after_seq,
            events.c.event_type.in_(list(event_types)),
        )
        .order_by(events.c.seq)
        .limit(limit)
    )
    return [(row["seq"], to_event(row)) for row in connection.execute(query).mappings()]
