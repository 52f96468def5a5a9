"""Integrators: the "as of" index on the pairing history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the index of pairings "as of" an instant."""
    op.create_index("ix_pairings_org_unit_paired", "pairings", ["organization_id", "unit_id", "paired_at"])


def downgrade() -> None:
    """Drop what upgrade added."""
    op.drop_index("ix_pairings_org_unit_paired", table_name="pairings")
