"""Migration 0005 creates exactly the feeds table that `tables.py` declares, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from pairhub.adapters.sql.engine import make_engine
from pairhub.adapters.sql.tables import metadata
from tests.integration.test_delivery_schema import _table_of


def test_the_migrated_feeds_table_matches_the_declared_metadata(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = [d for d in compare_metadata(context, metadata) if _table_of(d) == "feeds"]
            indexes = {index["name"] for index in inspect(connection).get_indexes("feeds")}
    finally:
        engine.dispose()

    assert diffs == []
    assert "ix_feeds_org_id" in indexes
