"""Table definitions; times are epoch milliseconds (UTC) so SQLite and PostgreSQL agree exactly."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only turns INTEGER PRIMARY KEY into an auto-incrementing rowid; PostgreSQL wants BIGINT.
Serial = BigInteger().with_variant(Integer(), "sqlite")

organizations = Table(
    "organizations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("auto_pairing_enabled", Boolean, nullable=False),
    Column("datahub_subscription_active", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger),
    Column("name", String(200), nullable=False, server_default=""),
    Column("scope", String(16), nullable=False, server_default="full"),
    Column("created_by", String(200)),
    # Coarse: flushed in batches by the process that saw the key, never on a request's critical section.
    Column("last_used_at", BigInteger),
    Column("expires_at", BigInteger),
    Index("ix_api_keys_organization_id", "organization_id"),
)

people = Table(
    "people",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("email", String(320), nullable=False),
    # The email lower-cased: unique, so two spellings of one address cannot be two people.
    Column("email_key", String(320), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(200)),
    Column("platform_admin", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column("person_id", String(36), ForeignKey("people.id"), primary_key=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_memberships_organization_id", "organization_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    # Written in the transaction of the change it records; never a secret in `changes`.
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("organization_id", String(36), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("actor_type", String(16), nullable=False),
    Column("actor_id", String(64)),
    Column("actor_name", String(320), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target_type", String(32), nullable=False),
    Column("target_id", String(100), nullable=False),
    Column("changes", Text, nullable=False),
    Index("ix_audit_log_organization_id_id", "organization_id", "id"),
    Index("ix_audit_log_organization_id_target_id", "organization_id", "target_id", "id"),
)

invitations = Table(
    "invitations",
    metadata,
    # One-time links: invitations to an organization and password resets; only the token's sha256.
    Column("id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("organization_id", String(36)),
    Column("email", String(320), nullable=False),
    Column("role", String(16)),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_by", String(200), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("used_at", BigInteger),
    Index("ix_invitations_organization_id", "organization_id"),
)

ui_sessions = Table(
    "ui_sessions",
    metadata,
    # Signed-in UI sessions; only the sha256 of the token the cookie carries is stored.
    Column("token_hash", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("organization_id", String(36)),
    Column("key_id", String(36)),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("person_id", String(36)),
    # The admin token's fingerprint for sessions it opened: a rotated token no longer matches.
    Column("admin_fingerprint", String(64)),
    Index("ix_ui_sessions_key_id", "key_id"),
    Index("ix_ui_sessions_person_id", "person_id"),
    Index("ix_ui_sessions_expires_at", "expires_at"),
)

assets = Table(
    "assets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("vin", String(17)),
    # Derived from vin so that suffix (P1) and serial (P2) lookups are index range scans.
    Column("vin_reversed", String(17)),
    Column("vin_serial", String(6)),
    Column("name", String(200)),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    UniqueConstraint("organization_id", "vin"),
    Index("ix_assets_org_vin_reversed", "organization_id", "vin_reversed"),
    Index("ix_assets_org_vin_serial", "organization_id", "vin_serial"),
    Index("ix_assets_org_name", "organization_id", "name"),
)

units = Table(
    "units",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("asset_id", String(36), ForeignKey("assets.id")),
    Column("paired_at", BigInteger),
    Column("created_at", BigInteger, nullable=False),
    Column("last_seen_at", BigInteger),
    Column("last_vin_raw", String(200)),
    Column("last_vin", String(200)),
    Column("last_latitude", Float),
    Column("last_longitude", Float),
    # Auto-pairing progress of the unit (SPEC "Units": the `autoPairing` object).
    Column("ap_state", String(32), nullable=False),
    Column("ap_vin", String(200)),
    Column("ap_sensor_vin", String(200)),
    Column("ap_candidates", Text),
    Column("ap_first_failed_at", BigInteger),
    Column("ap_reminders_sent", Integer, nullable=False, default=0),
    Column("ap_next_reminder_at", BigInteger),
    Column("ap_retry_after", BigInteger),
    Index("ix_units_org_id", "organization_id", "id"),
    Index("ix_units_asset", "asset_id"),
    Index("ix_units_next_reminder", "ap_next_reminder_at"),
    Index("ix_units_org_state", "organization_id", "ap_state"),
)

pairings = Table(
    "pairings",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("unit_id", String(100), nullable=False),
    Column("asset_id", String(36), nullable=False),
    Column("paired_at", BigInteger, nullable=False),
    Column("paired_by", String(32), nullable=False),
    Column("paired_via", String(32), nullable=False),
    Column("unpaired_at", BigInteger),
    Column("unpaired_by", String(32)),
    Column("unpaired_via", String(32)),
    Index("ix_pairings_org_seq", "organization_id", "seq"),
    # "As of" reads one organization's entries that began before an instant, by unit id; closing a
    # unit's open entry finds it here too (migration 0014 dropped a unit-wide index for that).
    Index("ix_pairings_org_unit_paired", "organization_id", "unit_id", "paired_at"),
    sqlite_autoincrement=True,
)

pairing_diagnoses = Table(
    "pairing_diagnoses",
    metadata,
    # Why each auto-pairing attempt ended as it did; written with its event, never part of the payload.
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("unit_id", String(100), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("rule", String(16), nullable=False),
    Column("raw_vin", Text),
    Column("normalized_vin", String(200), nullable=False),
    Column("removed", Text, nullable=False),
    Column("invalid_reason", String(200)),
    Column("candidates", Text, nullable=False),
    Column("check_digit_valid", Boolean),
    Column("asset_id", String(36)),
    Index("ix_pairing_diagnoses_unit", "organization_id", "unit_id", "id"),
    sqlite_autoincrement=True,
)

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
