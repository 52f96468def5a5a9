"""Migration 0003 creates exactly what `tables.py` declares for pairings and diagnoses, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from pairhub.adapters.sql.engine import make_engine
from pairhub.adapters.sql.tables import metadata
from tests.integration.test_delivery_schema import _table_of

TABLES = {"pairings", "pairing_diagnoses", "subscriptions"}


def test_migrated_tables_of_0003_match_the_declared_metadata(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = [d for d in compare_metadata(context, metadata) if _table_of(d) in TABLES]
            indexes = {
                table: {index["name"] for index in inspect(connection).get_indexes(table)} for table in TABLES
            }
    finally:
        engine.dispose()

    assert diffs == []
    assert "ix_pairings_org_unit_paired" in indexes["pairings"]
    assert "ix_pairing_diagnoses_unit" in indexes["pairing_diagnoses"]
