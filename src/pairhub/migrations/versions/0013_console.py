"""The operator's console: search indexes, the unknown units seen at ingest, and the events' time index.

- Search by any part of an asset's VIN or name, or of a unit id, case-insensitive. PostgreSQL: trigram
  GIN indexes (`pg_trgm`) that answer `ILIKE '%part%'`; where the extension cannot be created the
  search still works, by a scan. SQLite: an FTS5 table with the trigram tokenizer over the assets'
  VIN and name, kept by triggers (an external-content table keyed on the assets' rowid).
- `unknown_units`: unit ids that reported without being provisioned, bounded (see `adapters/sql/
  unknown_units.py`).

The overview's pairing activity reads a time range per organization through `ix_events_org_registered`
(revision 0012_idempotency).

Revision ID: 0013_console
Revises: 0016_edges
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pairhub.adapters.sql.search import SQLITE_ASSET_SEARCH_DDL, SQLITE_ASSET_SEARCH_DROP

revision = "0013_console"
down_revision = "0016_edges"
branch_labels = None
depends_on = None

TRIGRAM_INDEXES = {
    "ix_assets_vin_trgm": ("assets", "vin"),
    "ix_assets_name_trgm": ("assets", "name"),
    "ix_units_id_trgm": ("units", "id"),
}


def _trigram_indexes() -> None:
    bind = op.get_bind()
    # The extension needs a privilege a deployment may not grant: without it, search scans.
    with bind.begin_nested() as attempt:
        try:
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except sa.exc.DBAPIError:
            attempt.rollback()
            return
    for name, (table, column) in TRIGRAM_INDEXES.items():
        bind.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def upgrade() -> None:
    """Create the unknown units, the events' time index and the search indexes of the backend."""
    op.create_table(
        "unknown_units",
        sa.Column("unit_id", sa.String(100), primary_key=True),
        sa.Column("first_seen", sa.BigInteger, nullable=False),
        sa.Column("last_seen", sa.BigInteger, nullable=False),
        sa.Column("messages", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_unknown_units_last_seen", "unknown_units", ["last_seen"])
    if op.get_bind().dialect.name == "postgresql":
        _trigram_indexes()
    else:
        for statement in SQLITE_ASSET_SEARCH_DDL:
            op.execute(statement)


def downgrade() -> None:
    """Drop what `upgrade` made."""
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    else:
        for statement in SQLITE_ASSET_SEARCH_DROP:
            op.execute(statement)
    op.drop_index("ix_unknown_units_last_seen", "unknown_units")
    op.drop_table("unknown_units")
