"""MQTT messages taken, by digest, so that a message the broker sends again is not applied twice.

Revision ID: 0016_edges
Revises: 0014_pairing_rows
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_edges"
down_revision = "0014_pairing_rows"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table of taken messages."""
    op.create_table(
        "mqtt_taken",
        sa.Column("digest", sa.LargeBinary(16), nullable=False),
        sa.Column("taken_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_mqtt_taken"),
    )
    op.create_index("ix_mqtt_taken_taken_at", "mqtt_taken", ["taken_at"])


def downgrade() -> None:
    """Drop it (a redelivery is then applied again, as before)."""
    op.drop_index("ix_mqtt_taken_taken_at", "mqtt_taken")
    op.drop_table("mqtt_taken")
