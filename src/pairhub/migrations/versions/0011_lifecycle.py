"""Lifecycle: the heartbeats of delivering processes, read by `/readyz` in every process.

Revision ID: 0011_lifecycle
Revises: 0010_people
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_lifecycle"
down_revision = "0010_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the heartbeats table (new, so the version still running is not affected)."""
    op.create_table(
        "process_heartbeats",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("beat_at", sa.BigInteger, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop the heartbeats table."""
    op.drop_table("process_heartbeats")
