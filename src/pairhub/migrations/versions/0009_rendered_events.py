"""Rendered events: each event's `eventsData` element per payload version, stored when it is recorded,
so that cutting a batch joins stored JSON instead of rendering every event again; new batches store
the version and event names they were cut with instead of their body, which the outbox rebuilds.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import select

from pairhub.adapters.sql.events import render_unrendered
from pairhub.adapters.sql.subscriptions import SqlBatches
from pairhub.adapters.sql.tables import batches

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns and render the events already stored (earlier batches keep their bodies)."""
    with op.batch_alter_table("events") as table:
        table.add_column(sa.Column("rendered_v1", sa.Text))
        table.add_column(sa.Column("rendered_v2", sa.Text))
    render_unrendered(op.get_bind())
    with op.batch_alter_table("batches") as table:
        table.add_column(sa.Column("event_version", sa.Integer))
        table.add_column(sa.Column("event_names", sa.Text))


def downgrade() -> None:
    """Store every batch's body again, then drop the columns (the canonical events stay)."""
    bind = op.get_bind()
    rebuilt = select(batches.c.id).where(batches.c.body == "")
    repository = SqlBatches(bind)
    for (batch_id,) in bind.execute(rebuilt).fetchall():
        body = repository.get_many([batch_id])[batch_id].body
        bind.execute(
            sa.text("UPDATE batches SET body = :body WHERE id = :id"), {"body": body, "id": batch_id}
        )
    with op.batch_alter_table("batches") as table:
        table.drop_column("event_names")
        table.drop_column("event_version")
    with op.batch_alter_table("events") as table:
        table.drop_column("rendered_v2")
        table.drop_column("rendered_v1")
