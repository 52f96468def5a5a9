"""Datahub feeds: a pull feed per row, with the position the server holds for its consumer.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the feeds table."""
    op.create_table(
        "feeds",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("event_version", sa.Integer, nullable=False),
        sa.Column("event_names", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.Column("cursor_seq", sa.BigInteger, nullable=False),
        sa.Column("last_polled_at", sa.BigInteger),
        sa.Column("drained", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feeds"),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name="fk_feeds_organization_id_organizations"
        ),
    )
    op.create_index("ix_feeds_org_id", "feeds", ["organization_id", "id"])


def downgrade() -> None:
    """Drop the feeds table."""
    op.drop_index("ix_feeds_org_id", table_name="feeds")
    op.drop_table("feeds")
