"""Webhook delivery: subscriptions, frozen batches and the attempt log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the delivery tables."""
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.String(36)),
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("event_version", sa.Integer, nullable=False),
        sa.Column("event_names", sa.Text, nullable=False),
        sa.Column("max_batch_size", sa.Integer, nullable=False),
        sa.Column("max_wait_ms", sa.Integer, nullable=False),
        sa.Column("custom_headers", sa.Text, nullable=False),
        sa.Column("description", sa.String(500)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("previous_secret", sa.String(100)),
        sa.Column("previous_secret_expires_at", sa.BigInteger),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.Column("cursor_seq", sa.BigInteger, nullable=False),
        sa.Column("on_hold_since", sa.BigInteger),
        sa.Column("on_hold_reason", sa.String(500)),
        sa.Column("disabled_at", sa.BigInteger),
        sa.Column("disabled_reason", sa.String(500)),
        sa.Column("next_attempt_at", sa.BigInteger),
        sa.Column("lease_owner", sa.String(100)),
        sa.Column("lease_expires_at", sa.BigInteger),
        sa.Column("events_delivered", sa.BigInteger, nullable=False),
        sa.Column("events_failed", sa.BigInteger, nullable=False),
        sa.Column("events_expired", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_subscriptions"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_subscriptions_organization_id_organizations",
        ),
    )
    op.create_index("ix_subscriptions_org_id", "subscriptions", ["organization_id", "id"])
    op.create_index("ix_subscriptions_state_next", "subscriptions", ["state", "next_attempt_at"])
    op.create_table(
        "batches",
        sa.Column("id", sa.String(36)),
        sa.Column("subscription_id", sa.String(36), nullable=False),
        sa.Column("first_seq", sa.BigInteger, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("event_count", sa.Integer, nullable=False),
        sa.Column("oldest_event_at", sa.BigInteger, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.BigInteger),
        sa.Column("last_attempt_at", sa.BigInteger),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.String(500)),
        sa.Column("completed_at", sa.BigInteger),
        sa.PrimaryKeyConstraint("id", name="pk_batches"),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name="fk_batches_subscription_id_subscriptions",
        ),
        sa.UniqueConstraint("subscription_id", "first_seq", name="uq_batches_subscription_id_first_seq"),
    )
    op.create_index("ix_batches_sub_status_first", "batches", ["subscription_id", "status", "first_seq"])
    op.create_table(
        "attempts",
        sa.Column("id", Serial, autoincrement=True),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("subscription_id", sa.String(36), nullable=False),
        sa.Column("attempted_at", sa.BigInteger, nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("response_excerpt", sa.Text),
        sa.Column("error", sa.String(500)),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("worker", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attempts"),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name="fk_attempts_batch_id_batches"),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name="fk_attempts_subscription_id_subscriptions",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_attempts_batch_id", "attempts", ["batch_id", "id"])
    op.create_index("ix_attempts_subscription_id", "attempts", ["subscription_id", "id"])


def downgrade() -> None:
    """Drop the delivery tables."""
    for table in ("attempts", "batches", "subscriptions"):
        op.drop_table(table)
