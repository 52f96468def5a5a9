"""Statements compiled once per dialect and run close to the driver: the hot paths' reads and writes.

SQLAlchemy spends about 100 µs per `execute` on its execution context (cache lookup, parameter
processing, result metadata) even for a cached statement, and an executemany processes every
parameter set it is given, column by column. The delivery step reads one event window per
subscription it serves, and an auto-pairing request writes a thousand rows to each of four tables:
those statements are compiled once and handed to the driver with plain tuples instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.sql import Select
from sqlalchemy.sql.dml import Insert, UpdateBase

Row = tuple[Any, ...]


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


class PrecompiledWrite:
    """An INSERT or UPDATE compiled once per dialect, run as one executemany of plain tuples.

    Each row gives the values of `names` in that order: an insert's columns, or an update's bind
    parameters. The values go to the driver as they are, so the columns must be of types the driver
    takes without SQLAlchemy's processing (strings, numbers, booleans, None). It runs through
    `exec_driver_sql`, so a driver's error is translated like any statement's (disk full included).
    """

    def __init__(self, statement: UpdateBase, names: Sequence[str]) -> None:
        self._statement = statement
        self._names = tuple(names)
        self._compiled: dict[str, tuple[str, Callable[[Sequence[Row]], Sequence[Any]]]] = {}

    def run_many(self, connection: Connection, rows: Sequence[Row]) -> None:
        """Run it once per row in `connection`'s transaction."""
        if not rows:
            return
        sql, shape = self._compiled.get(connection.dialect.name) or self._compile(connection.dialect)
        connection.exec_driver_sql(sql, shape(rows))

    def _compile(self, dialect: Dialect) -> tuple[str, Callable[[Sequence[Row]], Sequence[Any]]]:
        names = self._names
        if isinstance(self._statement, Insert):
            compiled = self._statement.compile(dialect=dialect, column_keys=list(names))
        else:
            compiled = self._statement.compile(dialect=dialect)
        unknown = set(compiled.binds) - set(names)
        if unknown:
            raise ValueError(f"no values given for {sorted(unknown)}")
        shape: Callable[[Sequence[Row]], Sequence[Any]]
        if dialect.paramstyle in ("qmark", "numeric", "format"):
            positions = [names.index(name) for name in compiled.positiontup or ()]
            if positions == list(range(len(names))):
                shape = list
            else:
                # A parameter used twice (an update's CASE) or in another order than `names`.
                shape = lambda rows: [tuple([row[i] for i in positions]) for row in rows]  # noqa: E731
        else:
            shape = lambda rows: [dict(zip(names, row, strict=True)) for row in rows]  # noqa: E731
        self._compiled[dialect.name] = (compiled.string, shape)
        return self._compiled[dialect.name]
