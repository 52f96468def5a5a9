"""Organizations, their API keys, people with their memberships, one-time links and UI sessions, and
the audit log."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, String, Table, Text

from pairhub.adapters.sql.tables.schema import Serial, metadata

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
