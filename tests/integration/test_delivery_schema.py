"""The 0002 migration creates exactly the delivery tables that `tables.py` declares, on both backends."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from pairhub.adapters.sql.engine import make_engine
from pairhub.adapters.sql.tables import metadata

DELIVERY_TABLES = {"subscriptions", "batches", "attempts"}


def _table_of(diff: Any) -> str | None:
    entry = diff[0] if isinstance(diff, list) else diff
    for part in entry[1:]:
        name = getattr(part, "name", None) if not isinstance(part, str) else None
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if name in DELIVERY_TABLES:
            return str(name)
    if len(entry) > 2 and isinstance(entry[2], str):
        return entry[2]
    return None


def test_migrated_delivery_tables_match_the_declared_metadata(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = [d for d in compare_metadata(context, metadata) if _table_of(d) in DELIVERY_TABLES]
            indexes = {
                table: {index["name"] for index in inspect(connection).get_indexes(table)}
                for table in DELIVERY_TABLES
            }
    finally:
        engine.dispose()

    assert diffs == []
    assert "ix_subscriptions_state_next" in indexes["subscriptions"]
    assert "ix_batches_sub_status_first" in indexes["batches"]
    assert "ix_attempts_batch_id" in indexes["attempts"]
