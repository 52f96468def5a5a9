"""Table definitions, one module per concept, all in one `metadata`; re-exported here, where every
statement imports them from."""

from __future__ import annotations

from pairhub.adapters.sql.tables.fleet import assets, pairing_diagnoses, pairings, units
from pairhub.adapters.sql.tables.operations import (
    idempotency_keys,
    mqtt_taken,
    process_heartbeats,
    unknown_units,
)
from pairhub.adapters.sql.tables.organizations import (
    api_keys,
    audit_log,
    invitations,
    memberships,
    organizations,
    people,
    ui_sessions,
)
from pairhub.adapters.sql.tables.outbox import attempts, batches, event_horizons, events, feeds, subscriptions
from pairhub.adapters.sql.tables.schema import Serial, metadata

__all__ = [
    "Serial",
    "api_keys",
    "assets",
    "attempts",
    "audit_log",
    "batches",
    "event_horizons",
    "events",
    "feeds",
    "idempotency_keys",
    "invitations",
    "memberships",
    "metadata",
    "mqtt_taken",
    "organizations",
    "pairing_diagnoses",
    "pairings",
    "people",
    "process_heartbeats",
    "subscriptions",
    "ui_sessions",
    "units",
    "unknown_units",
]
