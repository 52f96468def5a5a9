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
    """A SELECT compiled once per dialect; rows are plain tuples.

    A list given for an expanding parameter (`bindparam(..., expanding=True)`, as `in_` makes) is
    spelled out as that many placeholders; the SQL is kept per dialect and list length, so a step
    that reads its few leased subscriptions does not pay SQLAlchemy's compile-cache lookup and
    post-compile processing every time. A driver's error is translated like any statement's.
    """

    def __init__(self, statement: Select[Any]) -> None:
        self._statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any], frozenset[str]]] = {}
        self._expanded: dict[tuple[str, tuple[int, ...]], str] = {}

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run it in `connection`'s transaction with these parameters."""
        return self._run(connection, params)[1]

    def mappings(self, connection: Connection, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Run it and return each row as a dictionary by column name."""
        names, rows = self._run(connection, params)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _run(
        self, connection: Connection, params: Mapping[str, Any]
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        dialect = connection.dialect
        sql, order, defaults, expanding = self._compiled.get(dialect.name) or self._compile(dialect)
        given = {**defaults, **params}  # e.g. SQLite's LIMIT takes an OFFSET parameter of its own
        if expanding:
            sql, given = self._expand(dialect, sql, given, expanding)
        args: Any = given if order is None else tuple(_flat(given, order, expanding))
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, args)
            names = [column[0] for column in cursor.description or ()]
            return names, list(cursor.fetchall())
        except Exception as error:
            # What SQLAlchemy does with a failed statement: the engine's `handle_error` hook turns a
            # full disk or a lost database into the storage outage the services expect.
            connection._handle_dbapi_exception(error, sql, args, cursor, None)
        finally:
            cursor.close()

    def _expand(
        self, dialect: Dialect, sql: str, given: dict[str, Any], expanding: frozenset[str]
    ) -> tuple[str, dict[str, Any]]:
        lengths = tuple(len(given[name]) for name in sorted(expanding))
        if 0 in lengths:
            raise ValueError("an expanding parameter needs at least one value")
        positional = dialect.paramstyle in ("qmark", "format")
        key = (dialect.name, lengths)
        expanded = self._expanded.get(key)
        if expanded is None:
            expanded = sql
            for name, length in zip(sorted(expanding), lengths, strict=True):
                if positional:
                    marks = ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * length)
                else:
                    marks = ", ".join(f"%({name}_{n})s" for n in range(length))
                expanded = expanded.replace(f"__[POSTCOMPILE_{name}]", marks)
            self._expanded[key] = expanded
        if not positional:
            given = dict(given)
            for name in expanding:
                given.update((f"{name}_{n}", value) for n, value in enumerate(given.pop(name)))
        return expanded, given

    def _compile(
        self, dialect: Dialect
    ) -> tuple[str, tuple[str, ...] | None, dict[str, Any], frozenset[str]]:
        if dialect.paramstyle == "numeric":
            raise ValueError("numeric parameters are not supported")
        compiled = self._statement.compile(dialect=dialect)
        positional = dialect.paramstyle in ("qmark", "format")
        order = tuple(compiled.positiontup or ()) if positional else None
        expanding = frozenset(name for name, bind in compiled.binds.items() if bind.expanding)
        defaults = {
            name: value
            for name, value in compiled.params.items()
            if value is not None and name not in expanding
        }
        self._compiled[dialect.name] = (compiled.string, order, defaults, expanding)
        return self._compiled[dialect.name]


def _flat(given: Mapping[str, Any], order: Sequence[str], expanding: frozenset[str]) -> list[Any]:
    """The positional arguments: each expanding parameter's values in its place."""
    args: list[Any] = []
    for name in order:
        if name in expanding:
            args.extend(given[name])
        else:
            args.append(given[name])
    return args


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
