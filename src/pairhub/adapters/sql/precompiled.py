"""Statements compiled once per dialect and run on the driver's cursor: the delivery step's hot reads.

SQLAlchemy spends about 100 µs per `execute` on its execution context (cache lookup, parameter
processing, result metadata) even for a cached statement. The delivery step reads one event window
per subscription it serves, so with many small batches that overhead is most of the step. A read
that runs that often takes the driver's cursor in the same transaction instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import Select


class Precompiled:
    """A SELECT (no expanding parameters) compiled once per dialect; rows are plain tuples."""

    def __init__(self, statement: Select[Any]) -> None:
        self._statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run it in `connection`'s transaction with these parameters."""
        sql, order, defaults = self._compiled.get(connection.dialect.name) or self._compile(connection)
        given = {**defaults, **params}  # e.g. SQLite's LIMIT takes an OFFSET parameter of its own
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, given if order is None else tuple(given[name] for name in order))
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def _compile(self, connection: Connection) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        dialect = connection.dialect
        compiled = self._statement.compile(dialect=dialect)
        positional = dialect.paramstyle in ("qmark", "numeric", "format")
        order = tuple(compiled.positiontup or ()) if positional else None
        defaults = {name: value for name, value in compiled.params.items() if value is not None}
        self._compiled[dialect.name] = (compiled.string, order, defaults)
        return self._compiled[dialect.name]
