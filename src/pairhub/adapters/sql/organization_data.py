"""Export and erasure of one organization, generic over the schema's metadata.

Which rows belong to an organization is read from the tables themselves, so a table added later is
covered without touching this module: the `organizations` row; every table with an `organization_id`
column; and every table whose foreign key points at rows already found (batches through their
subscription, attempts through their batch, ...), followed transitively. Erasure deletes children
before parents in batches of `ERASE_BATCH` rows, each its own short transaction; export reads parents
before children and never writes a column that holds a secret (`is_secret_column`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, delete, or_, select, tuple_

from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.tables import metadata, organizations

ORGANIZATION_COLUMN = "organization_id"
ERASE_BATCH = 500
EXPORT_PAGE = 1000
SECRET_COLUMN = re.compile(r"secret|hash|password|token|custom_headers|private", re.IGNORECASE)
"""Columns never exported: secrets, their hashes, and custom headers (whose values are credentials)."""


def is_secret_column(name: str) -> bool:
    """True for a column whose values must never leave pairhub."""
    return bool(SECRET_COLUMN.search(name))


@dataclass(frozen=True)
class Scope:
    """How the rows of one table that belong to an organization are found."""

    table: Table

    def condition(self, organization_id: str, scopes: dict[str, Scope]) -> ColumnElement[bool]:
        """The rows of this table that belong to `organization_id`."""
        table = self.table
        if table is organizations:
            return organizations.c.id == organization_id
        if ORGANIZATION_COLUMN in table.c:
            return table.c[ORGANIZATION_COLUMN] == organization_id
        parts = []
        for key in table.foreign_keys:
            parent = key.column.table
            if parent.name in scopes and parent is not table:
                owner = scopes[parent.name].condition(organization_id, scopes)
                parent_rows = select(key.column).where(owner)
                parts.append(key.parent.in_(parent_rows))
        return or_(*parts)


def scopes_of_schema() -> dict[str, Scope]:
    """Every table that can hold an organization's rows, parents before children."""
    scopes: dict[str, Scope] = {}
    for table in metadata.sorted_tables:
        owned = table is organizations or ORGANIZATION_COLUMN in table.c
        via_parent = any(
            key.column.table.name in scopes and key.column.table is not table for key in table.foreign_keys
        )
        if owned or via_parent:
            scopes[table.name] = Scope(table)
    return scopes


def _key_columns(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns) or list(table.columns)


def _among(keys: list[Column[Any]], rows: Sequence[Any]) -> ColumnElement[bool]:
    if len(keys) == 1:
        return keys[0].in_([row[0] for row in rows])
    return tuple_(*keys).in_([tuple(row) for row in rows])


class OrganizationData:
    """Stream one organization's rows out (JSON-ready dicts), or erase them all in batches."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self.scopes = scopes_of_schema()

    def export(self, organization_id: str) -> Iterator[dict[str, Any]]:
        """`{"table": name, "row": {...}}` for every row of the organization, secrets left out."""
        for scope in self.scopes.values():
            table = scope.table
            keys = _key_columns(table)
            columns = [column for column in table.columns if not is_secret_column(column.name)]
            # Plain strings: SQLAlchemy's names are a str subclass that JSON encoders refuse as keys.
            names = [str(column.name) for column in columns]
            condition = scope.condition(organization_id, self.scopes)
            after: tuple[Any, ...] | None = None
            while True:
                statement = select(*columns, *keys).where(condition).order_by(*keys).limit(EXPORT_PAGE)
                if after is not None:
                    statement = statement.where(tuple_(*keys) > tuple_(*after))
                with self._database.read() as connection:
                    rows = connection.execute(statement).all()
                for row in rows:
                    yield {"table": str(table.name), "row": dict(zip(names, row[: len(names)], strict=True))}
                if len(rows) < EXPORT_PAGE:
                    break
                after = tuple(rows[-1][len(columns) :])

    def erase(self, organization_id: str) -> dict[str, int]:
        """Delete every row of the organization, children first, in short transactions; rows per table."""
        removed: dict[str, int] = {}
        for scope in reversed(list(self.scopes.values())):
            table = scope.table
            keys = _key_columns(table)
            while True:
                with self._database.write() as connection:
                    condition = scope.condition(organization_id, self.scopes)
                    chosen = connection.execute(select(*keys).where(condition).limit(ERASE_BATCH)).all()
                    if chosen:
                        connection.execute(delete(table).where(_among(keys, chosen)))
                        removed[table.name] = removed.get(table.name, 0) + len(chosen)
                if len(chosen) < ERASE_BATCH:
                    break
        return removed
