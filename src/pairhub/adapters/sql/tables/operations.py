"""What keeps requests and processes straight: idempotency keys, MQTT messages taken, heartbeats, unit
ids not provisioned."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, String, Table, Text

from pairhub.adapters.sql.tables.schema import metadata

# Idempotency keys of POST requests: the first answer to a key, kept for 24 hours.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    # `admin`, `ingest` or `org:<organization id>`: keys of one organization share one namespace.
    Column("scope", String(80), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    # NULL while the first request runs.
    Column("status", Integer),
    # Headers and body, sealed with the deployment's secret key: an answer may carry a secret.
    Column("answer", Text),
    Index("ix_idempotency_keys_created", "created_at"),
)

# MQTT messages taken, by digest of topic and payload: a message the broker sends again (its DUP flag
# set, after a restart of either side) is recognized instead of applied twice. Only the newest rows are
# kept (`SqlTakenMessages.keep_newest`), as a redelivery is one of the few last messages in flight.
mqtt_taken = Table(
    "mqtt_taken",
    metadata,
    Column("digest", LargeBinary(16), primary_key=True),
    Column("taken_at", BigInteger, nullable=False),
    Index("ix_mqtt_taken_taken_at", "taken_at"),
)

# What each delivering process last said about itself (MQTT, delivery loop), for `/readyz` of any
# process; a row is rewritten every few seconds and deleted when its process stops.
process_heartbeats = Table(
    "process_heartbeats",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("beat_at", BigInteger, nullable=False),
    Column("state", Text, nullable=False),
)

unknown_units = Table(
    "unknown_units",
    metadata,
    # Unit ids that reported without being provisioned; bounded, the least recently seen evicted.
    Column("unit_id", String(100), primary_key=True),
    Column("first_seen", BigInteger, nullable=False),
    Column("last_seen", BigInteger, nullable=False),
    Column("messages", BigInteger, nullable=False),
    Index("ix_unknown_units_last_seen", "last_seen"),
)
