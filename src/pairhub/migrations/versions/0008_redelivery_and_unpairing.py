"""Redelivery and unpairing records: a batch keeps every attempt across redeliveries, the counters
hold each batch once, and the pairing history says how a pairing ended in two fields.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Outcomes logged in the attempt log that never counted as an attempt of their batch.
NOT_COUNTED = "('leaseLost', 'error')"
UNPAIR_PREFIX = "ManualUnpair:"


def upgrade() -> None:
    """Add the columns, then repair what redeliveries and the old unpairing text left behind."""
    with op.batch_alter_table("batches") as table:
        table.add_column(sa.Column("earlier_attempts", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("pairings") as table:
        table.add_column(sa.Column("unpaired_via", sa.String(32)))
    # A redelivery or a resume used to reset `attempts`: the attempt log still has them all.
    logged = (
        "(SELECT count(*) FROM attempts WHERE attempts.batch_id = batches.id "
        f"AND attempts.outcome NOT IN {NOT_COUNTED})"
    )
    op.execute(
        f"UPDATE batches SET earlier_attempts = {logged} - attempts, attempts = {logged} "
        f"WHERE {logged} > attempts"
    )
    # A redelivered batch was counted again when it finished: count each batch once, by its status.
    for counter, status in (("events_delivered", "delivered"), ("events_failed", "failed")):
        op.execute(
            f"UPDATE subscriptions SET {counter} = (SELECT coalesce(sum(event_count), 0) FROM batches "
            f"WHERE batches.subscription_id = subscriptions.id AND batches.status = '{status}')"
        )
    op.execute(
        f"UPDATE pairings SET unpaired_via = substr(unpaired_by, {len(UNPAIR_PREFIX) + 1}), "
        f"unpaired_by = 'ManualUnpair' WHERE unpaired_by LIKE '{UNPAIR_PREFIX}%'"
    )


def downgrade() -> None:
    """Fold the unpairing channel back into its text and drop the columns (the counts stay repaired)."""
    op.execute(
        f"UPDATE pairings SET unpaired_by = '{UNPAIR_PREFIX}' || unpaired_via "
        "WHERE unpaired_by = 'ManualUnpair' AND unpaired_via IS NOT NULL"
    )
    with op.batch_alter_table("pairings") as table:
        table.drop_column("unpaired_via")
    with op.batch_alter_table("batches") as table:
        table.drop_column("earlier_attempts")
