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


COUNT_CAP = 100_000
"""Rows counted per table and organization at most: the overview stays cheap with millions of rows."""
ORGANIZATION_TABLES = ("events", "pairing_diagnoses", "audit_log")
"""The tables that grow with an organization's history, each with an index led by `organization_id`."""


@dataclass(frozen=True)
class OrganizationStorage:
    """The rows an organization holds in the tables that grow with time (each counted up to `cap`)."""

    rows: dict[str, int]
    cap: int
    oldest_event_ms: int | None

    def capped(self, table: str) -> bool:
        """True when the table holds more rows of the organization than were counted."""
        return self.rows[table] > self.cap


def organization_storage(
    database: Database, organization_id: str, cap: int = COUNT_CAP
) -> OrganizationStorage:
    """Count the organization's rows of each growing table through its index, stopping past `cap`."""
    tables = {table.name: table for table in metadata.sorted_tables}
    rows: dict[str, int] = {}
    with database.read() as connection:
        for name in ORGANIZATION_TABLES:
            table = tables[name]
            some = (
                select(table.c.organization_id)
                .where(table.c.organization_id == organization_id)
                .limit(cap + 1)
            )
            rows[name] = int(
                connection.execute(select(func.count()).select_from(some.subquery())).scalar() or 0
            )
        events = tables["events"]
        oldest = connection.execute(
            select(func.min(events.c.registered_at)).where(events.c.organization_id == organization_id)
        ).scalar()
    return OrganizationStorage(rows, cap, None if oldest is None else int(oldest))


def database_bytes(database: Database) -> int | None:
    """The size of the whole database, read from its catalogue (no scan): pages in use for SQLite."""
    with database.read() as connection:
        if database.is_sqlite:
            pages = connection.execute(text("PRAGMA page_count")).scalar()
            free = connection.execute(text("PRAGMA freelist_count")).scalar()
            size = connection.execute(text("PRAGMA page_size")).scalar()
            if pages is None or size is None:
                return None
            return (int(pages) - int(free or 0)) * int(size)
        value = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
    return None if value is None else int(value)
