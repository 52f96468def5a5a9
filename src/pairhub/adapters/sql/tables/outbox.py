"""The events outbox and what reads it: webhook subscriptions with their batches and attempts, Datahub
feeds."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from pairhub.adapters.sql.tables.schema import Serial, metadata

events = Table(
    "events",
    metadata,
    # The outbox: committed in the same transaction as the state change; seq is the feed cursor.
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("event_type", String(32), nullable=False),
    Column("reason", String(32)),
    Column("unit_id", String(100), nullable=False),
    Column("asset_id", String(36)),
    Column("asset_vin", String(17)),
    Column("sensor_vin", String(200)),
    Column("candidate_asset_ids", Text),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("registered_at", BigInteger, nullable=False),
    # The `eventsData` element of each payload version (NULL where the version does not carry the
    # event), rendered once at insert: cutting a batch joins them instead of rendering each event again.
    Column("rendered_v1", Text),
    Column("rendered_v2", Text),
    Index("ix_events_org_seq", "organization_id", "seq"),
    # The feed's filters: by unit, asset, reason, and registration time (replay since a moment).
    Index("ix_events_org_unit_seq", "organization_id", "unit_id", "seq"),
    Index("ix_events_org_asset_seq", "organization_id", "asset_id", "seq"),
    Index("ix_events_org_reason_seq", "organization_id", "reason", "seq"),
    Index("ix_events_org_registered", "organization_id", "registered_at"),
    # Cursors must never be reused, even if old events are deleted one day.
    sqlite_autoincrement=True,
)

# The newest event seq of each organization the retention job deleted: a feed cursor below it points at
# events that are gone (410 `beyond_retention`), one at or above it lost nothing.
event_horizons = Table(
    "event_horizons",
    metadata,
    Column("organization_id", String(36), ForeignKey("organizations.id"), primary_key=True),
    Column("pruned_through", BigInteger, nullable=False),
)

# Webhook delivery. A subscription reads the events outbox through its own cursor (`cursor_seq`).
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("url", String(2048), nullable=False),
    Column("event_version", Integer, nullable=False),
    Column("event_names", Text, nullable=False),
    Column("max_batch_size", Integer, nullable=False),
    Column("max_wait_ms", Integer, nullable=False),
    Column("custom_headers", Text, nullable=False),
    Column("signature_header", String(64), nullable=False, server_default="X-Signature-256"),
    # With ed25519, `secret` and `previous_secret` hold `whsk_` private keys.
    Column("signature_algorithm", String(16), nullable=False, server_default="hmac-sha256"),
    # OAuth2 client credentials towards the receiver: JSON without the secret, which has its own column.
    Column("auth", Text),
    Column("auth_client_secret", Text),
    Column("description", String(500)),
    Column("state", String(16), nullable=False),
    # Encrypted (adapters/sql/secret_columns.py), not hashed: signing needs the key itself. Custom
    # header values are encrypted inside `custom_headers`; their names stay readable.
    Column("secret", Text, nullable=False),
    Column("previous_secret", Text),
    Column("previous_secret_expires_at", BigInteger),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("cursor_seq", BigInteger, nullable=False),
    Column("on_hold_since", BigInteger),
    Column("on_hold_reason", String(500)),
    Column("disabled_at", BigInteger),
    Column("disabled_reason", String(500)),
    Column("next_attempt_at", BigInteger),
    Column("lease_owner", String(100)),
    Column("lease_expires_at", BigInteger),
    Column("events_delivered", BigInteger, nullable=False, default=0),
    Column("events_failed", BigInteger, nullable=False, default=0),
    Column("events_expired", BigInteger, nullable=False, default=0),
    Index("ix_subscriptions_org_id", "organization_id", "id"),
    Index("ix_subscriptions_state_next", "state", "next_attempt_at"),
)

batches = Table(
    "batches",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subscription_id", String(36), ForeignKey("subscriptions.id"), nullable=False),
    Column("first_seq", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("event_count", Integer, nullable=False),
    Column("oldest_event_at", BigInteger, nullable=False),
    # Every retry and every resend after a crash carries the same bytes: the body is rebuilt from the
    # outbox's rendered events (immutable) with the version and names it was cut with, so it is stored
    # empty. Batches cut before the events were rendered at insert keep the body they stored.
    Column("body", Text, nullable=False),
    Column("event_version", Integer),
    Column("event_names", Text),
    Column("created_at", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    # Every attempt of the batch; `earlier_attempts` of them came before its current retry schedule.
    Column("attempts", Integer, nullable=False, default=0),
    Column("earlier_attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", BigInteger),
    Column("last_attempt_at", BigInteger),
    Column("last_status", Integer),
    Column("last_error", String(500)),
    Column("completed_at", BigInteger),
    # 0 for a batch cut from the cursor; n for the n-th recovery of the subscription (events sent again).
    Column("recovery", Integer, nullable=False, server_default="0"),
    # The batches of one cut or one recovery cover disjoint seq ranges: (first_seq, recovery) orders
    # and pages the log.
    UniqueConstraint("subscription_id", "first_seq", "recovery"),
    Index("ix_batches_sub_status_first", "subscription_id", "status", "first_seq"),
    # The backlog gauge sums the pending batches of every subscription every 10 s: without this index
    # it read the whole delivery log each time (the bench's history_growth).
    Index("ix_batches_status_sub", "status", "subscription_id"),
)

attempts = Table(
    "attempts",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("batch_id", String(36), ForeignKey("batches.id"), nullable=False),
    Column("subscription_id", String(36), ForeignKey("subscriptions.id"), nullable=False),
    Column("attempted_at", BigInteger, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("status_code", Integer),
    Column("response_excerpt", Text),
    Column("error", String(500)),
    Column("outcome", String(16), nullable=False),
    Column("worker", String(100), nullable=False),
    Index("ix_attempts_batch_id", "batch_id", "id"),
    Index("ix_attempts_subscription_id", "subscription_id", "id"),
    # The overview's 24-hour delivery health reads one subscription's attempts by time.
    Index("ix_attempts_subscription_attempted", "subscription_id", "attempted_at"),
    sqlite_autoincrement=True,
)

# Datahub feeds: pulled by the consumer, each reading the events outbox from the position it holds.
feeds = Table(
    "feeds",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("event_version", Integer, nullable=False),
    Column("event_names", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("cursor_seq", BigInteger, nullable=False),
    Column("last_polled_at", BigInteger),
    Column("drained", Boolean, nullable=False),
    Index("ix_feeds_org_id", "organization_id", "id"),
)
