"""People: accounts, memberships with a role per organization, one-time links (invitations and
password resets), the audit log, managed API keys, and UI sessions of a person or of the admin token
(by its fingerprint).

UI sessions signed in with an organization key end here: people sign in as themselves.

Revision ID: 0010_people
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_people"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create people and memberships, widen API keys and sessions."""
    op.create_table(
        "people",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_key", sa.String(320), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("platform_admin", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("email_key", name="uq_people_email_key"),
    )
    op.create_table(
        "memberships",
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("person_id", "organization_id", name="pk_memberships"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_memberships_person_id_people"),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name="fk_memberships_organization_id_organizations"
        ),
    )
    op.create_index("ix_memberships_organization_id", "memberships", ["organization_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("organization_id", sa.String(36)),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(16)),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("used_at", sa.BigInteger),
        sa.PrimaryKeyConstraint("id", name="pk_invitations"),
        sa.UniqueConstraint("token_hash", name="uq_invitations_token_hash"),
    )
    op.create_index("ix_invitations_organization_id", "invitations", ["organization_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True),
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("actor_type", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(64)),
        sa.Column("actor_name", sa.String(320), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target_type", sa.String(32), nullable=False),
        sa.Column("target_id", sa.String(100), nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_organization_id_id", "audit_log", ["organization_id", "id"])
    op.create_index(
        "ix_audit_log_organization_id_target_id", "audit_log", ["organization_id", "target_id", "id"]
    )
    with op.batch_alter_table("api_keys") as table:
        table.add_column(sa.Column("name", sa.String(200), nullable=False, server_default=""))
        table.add_column(sa.Column("scope", sa.String(16), nullable=False, server_default="full"))
        table.add_column(sa.Column("created_by", sa.String(200)))
        table.add_column(sa.Column("last_used_at", sa.BigInteger))
        table.add_column(sa.Column("expires_at", sa.BigInteger))
    op.create_index("ix_api_keys_organization_id", "api_keys", ["organization_id"])
    # Sessions opened with an organization key (or before the admin token had a fingerprint) end.
    op.execute(sa.text("DELETE FROM ui_sessions"))
    with op.batch_alter_table("ui_sessions") as table:
        table.add_column(sa.Column("person_id", sa.String(36)))
        table.add_column(sa.Column("admin_fingerprint", sa.String(64)))
    op.create_index("ix_ui_sessions_person_id", "ui_sessions", ["person_id"])


def downgrade() -> None:
    """Drop what upgrade added (people's sessions end)."""
    op.execute(sa.text("DELETE FROM ui_sessions"))
    op.drop_index("ix_ui_sessions_person_id", "ui_sessions")
    with op.batch_alter_table("ui_sessions") as table:
        table.drop_column("admin_fingerprint")
        table.drop_column("person_id")
    op.drop_index("ix_api_keys_organization_id", "api_keys")
    with op.batch_alter_table("api_keys") as table:
        for column in ("expires_at", "last_used_at", "created_by", "scope", "name"):
            table.drop_column(column)
    op.drop_table("audit_log")
    op.drop_index("ix_invitations_organization_id", "invitations")
    op.drop_table("invitations")
    op.drop_index("ix_memberships_organization_id", "memberships")
    op.drop_table("memberships")
    op.drop_table("people")
