"""Rendered events: each event's `eventsData` element per payload version, stored when it is recorded,
so that cutting a batch joins stored JSON instead of rendering every event again; new batches store
the version and event names they were cut with instead of their body, which the outbox rebuilds.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy import select

from pairhub.adapters.sql.events import SqlEvents, render_unrendered
from pairhub.adapters.sql.tables import batches, subscriptions
from pairhub.contract.render import envelope_json
from pairhub.domain.subscriptions import batch_time_ns
from pairhub.ports import EventQuery

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
    # The columns this revision knows by name: later revisions add columns to the table's metadata.
    rebuilt = (
        select(
            batches.c.id,
            batches.c.subscription_id,
            batches.c.first_seq,
            batches.c.last_seq,
            batches.c.event_count,
            batches.c.created_at,
            batches.c.event_version,
            batches.c.event_names,
            subscriptions.c.organization_id,
        )
        .join(subscriptions, subscriptions.c.id == batches.c.subscription_id)
        .where(batches.c.body == "")
    )
    stored = SqlEvents(bind)
    for row in bind.execute(rebuilt).mappings().fetchall():
        batch_id = row["id"]
        names = tuple(json.loads(row["event_names"] or "[]"))
        query = EventQuery(
            row["organization_id"], names, row["event_count"], row["first_seq"] - 1, row["last_seq"]
        )
        fragments = [rendered.data for rendered in stored.rendered(query, row["event_version"] or 1)]
        body = envelope_json(batch_id, row["subscription_id"], batch_time_ns(row["created_at"]), fragments)
        bind.execute(
            sa.text("UPDATE batches SET body = :body WHERE id = :id"), {"body": body, "id": batch_id}
        )
    with op.batch_alter_table("batches") as table:
        table.drop_column("event_names")
        table.drop_column("event_version")
    with op.batch_alter_table("events") as table:
        table.drop_column("rendered_v2")
        table.drop_column("rendered_v1")
