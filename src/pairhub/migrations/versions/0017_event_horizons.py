"""The newest pruned event seq of each organization, to answer an outdated cursor with 410.

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
    """Create the table (a new table: the version still running never reads it)."""
    op.create_table(
        "event_horizons",
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("pruned_through", sa.BigInteger, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name="fk_event_horizons_organization_id_organizations"
        ),
        sa.PrimaryKeyConstraint("organization_id", name="pk_event_horizons"),
    )


def downgrade() -> None:
    """Drop it (an outdated cursor then reads on from the oldest event held, as before)."""
    op.drop_table("event_horizons")
