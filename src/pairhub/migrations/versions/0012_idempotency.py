"""Integrators: idempotency keys of POST requests, indexes for the event feed's filters, and the
recovery mark of batches sent again on request.

Revision ID: 0012_idempotency
Revises: 0011_lifecycle
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0012_idempotency"
down_revision = "0011_lifecycle"
branch_labels = None
depends_on = None

_EVENT_INDEXES = {
    "ix_events_org_unit_seq": ["organization_id", "unit_id", "seq"],
    "ix_events_org_asset_seq": ["organization_id", "asset_id", "seq"],
    "ix_events_org_reason_seq": ["organization_id", "reason", "seq"],
    "ix_events_org_registered": ["organization_id", "registered_at"],
}


@contextmanager
def _attempts_set_aside() -> Iterator[None]:
    """SQLite changes a constraint by copying the table and dropping the old one, which the attempts'
    references to its rows refuse (foreign keys cannot be switched off inside the migration's
    transaction): the attempts wait in a table of their own meanwhile, ids and all."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    op.execute("CREATE TABLE _attempts_aside AS SELECT * FROM attempts")
    op.execute("DELETE FROM attempts")
    yield
    op.execute("INSERT INTO attempts SELECT * FROM _attempts_aside")
    op.execute("DROP TABLE _attempts_aside")


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
    # A recovery sends events again in new batches: (first_seq, recovery) is what is unique now.
    with _attempts_set_aside(), op.batch_alter_table("batches") as table:
        table.add_column(sa.Column("recovery", sa.Integer, nullable=False, server_default="0"))
        table.drop_constraint("uq_batches_subscription_id_first_seq", type_="unique")
        table.create_unique_constraint(
            "uq_batches_subscription_id_first_seq_recovery", ["subscription_id", "first_seq", "recovery"]
        )


def downgrade() -> None:
    """Drop them again (and the recovered batches, whose ranges repeat earlier ones)."""
    op.execute("DELETE FROM attempts WHERE batch_id IN (SELECT id FROM batches WHERE recovery > 0)")
    op.execute("DELETE FROM batches WHERE recovery > 0")
    with _attempts_set_aside(), op.batch_alter_table("batches") as table:
        table.drop_constraint("uq_batches_subscription_id_first_seq_recovery", type_="unique")
        table.create_unique_constraint(
            "uq_batches_subscription_id_first_seq", ["subscription_id", "first_seq"]
        )
        table.drop_column("recovery")
    for name in _EVENT_INDEXES:
        op.drop_index(name, table_name="events")
    op.drop_index("ix_idempotency_keys_created", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
