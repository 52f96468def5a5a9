"""`pairhub db stats`: each table's rows, size on disk and oldest row, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, func, select, text

from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.tables import metadata

TIME_COLUMNS = ("registered_at", "attempted_at", "at", "created_at", "beat_at")
"""The column that dates a table's rows, the first of these it has (epoch ms)."""


@dataclass(frozen=True)
class TableStats:
    """One table: how many rows, how many bytes (indexes included), and its oldest row's time (ms)."""

    name: str
    rows: int
    bytes: int | None
    oldest_ms: int | None


def _size(database: Database, table: Table) -> int | None:
    with database.read() as connection:
        if database.is_sqlite:
            # The dbstat table is compiled into the SQLite that Python ships; without it, no size.
            try:
                statement = text(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name = :name "
                    "OR name IN (SELECT name FROM sqlite_master WHERE tbl_name = :name)"
                )
                value = connection.execute(statement, {"name": table.name}).scalar()
            except Exception:
                return None
        else:
            value = connection.execute(
                text("SELECT pg_total_relation_size(:name)"), {"name": table.name}
            ).scalar()
    return None if value is None else int(value)


def table_stats(database: Database) -> list[TableStats]:
    """The statistics of every table of pairhub's schema, in schema order."""
    found = []
    for table in metadata.sorted_tables:
        dated = next((table.c[name] for name in TIME_COLUMNS if name in table.c), None)
        columns = [func.count()] + ([func.min(dated)] if dated is not None else [])
        with database.read() as connection:
            row = connection.execute(select(*columns).select_from(table)).one()
        oldest = row[1] if dated is not None else None
        found.append(TableStats(table.name, int(row[0]), _size(database, table), oldest))
    return found
