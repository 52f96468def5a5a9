"""The newest pruned event seq of each organization (an outdated cursor gets 410); pending batches by status.

Revision ID: 0017_event_horizons
Revises: 0013_console
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_event_horizons"
down_revision = "0013_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table and the index (new ones: the version still running never needs them)."""
    op.create_table(
        "event_horizons",
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("pruned_through", sa.BigInteger, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name="fk_event_horizons_organization_id_organizations"
        ),
        sa.PrimaryKeyConstraint("organization_id", name="pk_event_horizons"),
    )
    op.create_index("ix_batches_status_sub", "batches", ["status", "subscription_id"])


def downgrade() -> None:
    """Drop them (an outdated cursor then reads on from the oldest event held, as before)."""
    op.drop_index("ix_batches_status_sub", "batches")
    op.drop_table("event_horizons")
