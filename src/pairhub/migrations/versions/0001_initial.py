"""Organizations, API keys, assets, units, pairing history and the event outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the foundation tables."""
    op.create_table(
        "organizations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("auto_pairing_enabled", sa.Boolean, nullable=False),
        sa.Column("datahub_subscription_active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organizations"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(36)),
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("revoked_at", sa.BigInteger),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_api_keys_organization_id_organizations",
        ),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_table(
        "assets",
        sa.Column("id", sa.String(36)),
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("vin", sa.String(17)),
        sa.Column("vin_reversed", sa.String(17)),
        sa.Column("vin_serial", sa.String(6)),
        sa.Column("name", sa.String(200)),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assets"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_assets_organization_id_organizations",
        ),
        sa.UniqueConstraint("organization_id", "vin", name="uq_assets_organization_id_vin"),
    )
    op.create_index("ix_assets_org_vin_reversed", "assets", ["organization_id", "vin_reversed"])
    op.create_index("ix_assets_org_vin_serial", "assets", ["organization_id", "vin_serial"])
    op.create_index("ix_assets_org_name", "assets", ["organization_id", "name"])
    op.create_table(
        "units",
        sa.Column("id", sa.String(100)),
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("asset_id", sa.String(36)),
        sa.Column("paired_at", sa.BigInteger),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("last_seen_at", sa.BigInteger),
        sa.Column("last_vin_raw", sa.String(200)),
        sa.Column("last_vin", sa.String(200)),
        sa.Column("last_latitude", sa.Float),
        sa.Column("last_longitude", sa.Float),
        sa.Column("ap_state", sa.String(32), nullable=False),
        sa.Column("ap_vin", sa.String(200)),
        sa.Column("ap_sensor_vin", sa.String(200)),
        sa.Column("ap_candidates", sa.Text),
        sa.Column("ap_first_failed_at", sa.BigInteger),
        sa.Column("ap_reminders_sent", sa.Integer, nullable=False),
        sa.Column("ap_next_reminder_at", sa.BigInteger),
        sa.Column("ap_retry_after", sa.BigInteger),
        sa.PrimaryKeyConstraint("id", name="pk_units"),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name="fk_units_organization_id_organizations"
        ),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name="fk_units_asset_id_assets"),
    )
    op.create_index("ix_units_org_id", "units", ["organization_id", "id"])
    op.create_index("ix_units_asset", "units", ["asset_id"])
    op.create_index("ix_units_next_reminder", "units", ["ap_next_reminder_at"])
    op.create_index("ix_units_org_state", "units", ["organization_id", "ap_state"])
    op.create_table(
        "pairings",
        sa.Column("seq", Serial, autoincrement=True),
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=False),
        sa.Column("asset_id", sa.String(36), nullable=False),
        sa.Column("paired_at", sa.BigInteger, nullable=False),
        sa.Column("paired_by", sa.String(32), nullable=False),
        sa.Column("paired_via", sa.String(32), nullable=False),
        sa.Column("unpaired_at", sa.BigInteger),
        sa.Column("unpaired_by", sa.String(32)),
        sa.PrimaryKeyConstraint("seq", name="pk_pairings"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_pairings_organization_id_organizations",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_pairings_org_seq", "pairings", ["organization_id", "seq"])
    op.create_index("ix_pairings_unit_open", "pairings", ["unit_id", "unpaired_at"])
    op.create_table(
        "events",
        sa.Column("seq", Serial, autoincrement=True),
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(32)),
        sa.Column("unit_id", sa.String(100), nullable=False),
        sa.Column("asset_id", sa.String(36)),
        sa.Column("asset_vin", sa.String(17)),
        sa.Column("sensor_vin", sa.String(200)),
        sa.Column("candidate_asset_ids", sa.Text),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("registered_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_events"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_events_organization_id_organizations",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_events_org_seq", "events", ["organization_id", "seq"])


def downgrade() -> None:
    """Drop the foundation tables."""
    for table in ("events", "pairings", "units", "assets", "api_keys", "organizations"):
        op.drop_table(table)
