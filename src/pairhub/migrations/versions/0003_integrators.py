"""Integrators: the "as of" index on the pairing history, the diagnoses of auto-pairing
attempts and the header that carries a subscription's body signature.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Add the index of pairings "as of" an instant."""
    with op.batch_alter_table("subscriptions") as table:
        table.add_column(
            sa.Column("signature_header", sa.String(64), nullable=False, server_default="X-Signature-256")
        )
    op.create_index("ix_pairings_org_unit_paired", "pairings", ["organization_id", "unit_id", "paired_at"])
    op.create_table(
        "pairing_diagnoses",
        sa.Column("id", Serial, autoincrement=True),
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("rule", sa.String(16), nullable=False),
        sa.Column("raw_vin", sa.Text),
        sa.Column("normalized_vin", sa.String(200), nullable=False),
        sa.Column("removed", sa.Text, nullable=False),
        sa.Column("invalid_reason", sa.String(200)),
        sa.Column("candidates", sa.Text, nullable=False),
        sa.Column("check_digit_valid", sa.Boolean),
        sa.Column("asset_id", sa.String(36)),
        sa.PrimaryKeyConstraint("id", name="pk_pairing_diagnoses"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_pairing_diagnoses_organization_id_organizations",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_pairing_diagnoses_unit", "pairing_diagnoses", ["organization_id", "unit_id", "id"])


def downgrade() -> None:
    """Drop what upgrade added."""
    op.drop_table("pairing_diagnoses")
    op.drop_index("ix_pairings_org_unit_paired", table_name="pairings")
    with op.batch_alter_table("subscriptions") as table:
        table.drop_column("signature_header")
