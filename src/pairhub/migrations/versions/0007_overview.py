"""Overview: the attempt log indexed by subscription and time, for the 24-hour delivery health chart.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index the attempt log by subscription and attempt time."""
    op.create_index("ix_attempts_subscription_attempted", "attempts", ["subscription_id", "attempted_at"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_attempts_subscription_attempted", table_name="attempts")
