"""Sorted keyset pages: a list sorted on any key still pages by "after this row's id", with no offset.

The cursor stays the last row's id; the row's own sort key is read back in the query itself, so a
page costs one index range whatever its depth. Keys never hold NULL (each sort key maps NULL to a
value), because a comparison with NULL is neither true nor false and would end the list early.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, String, Table, and_, case, false, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

KeyOf = Callable[[FromClause], ColumnElement[Any]]


@dataclass(frozen=True)
class SortKey:
    """One part of a sort order: an expression of the table's row, ascending unless `descending`."""

    of: KeyOf
    descending: bool = False


def nulls_last(column: str) -> SortKey:
    """Rows whose `column` is NULL after all the others."""
    return SortKey(lambda table: case((table.c[column].is_(None), 1), else_=0))


def text_key(connection: Connection, column: str, *, lower: bool = False) -> SortKey:
    """A text column (NULL as ''), compared by code point on every database (PostgreSQL: "C" collation)."""

    def of(table: FromClause) -> ColumnElement[Any]:
        value: ColumnElement[Any] = func.coalesce(table.c[column], literal("", String))
        if lower:
            value = func.lower(value)
        # PostgreSQL compares text in the database's locale; SQLite and Python compare code points.
        if connection.dialect.name == "postgresql":
            value = value.collate("C")
        return value

    return SortKey(of)


def number_key(column: str, *, descending: bool = False) -> SortKey:
    """A number column (NULL as 0)."""
    return SortKey(lambda table: func.coalesce(table.c[column], 0), descending)


def page_after(
    query: Select[tuple[object, ...]], table: Table, keys: Sequence[SortKey], after: str | None
) -> Select[tuple[object, ...]]:
    """`query` ordered by `keys` then id, starting after the row with id `after` (when given)."""
    query = query.order_by(
        *(key.of(table).desc() if key.descending else key.of(table) for key in keys), table.c.id
    )
    if not after:
        return query
    # The cursor row read in the same statement, through an alias so that it is not correlated.
    cursor = table.alias("cursor_row")

    def at_cursor(key: SortKey) -> ColumnElement[Any]:
        return select(key.of(cursor)).where(cursor.c.id == after).scalar_subquery()

    later: list[ColumnElement[bool]] = []
    equal: list[ColumnElement[bool]] = []
    for key in keys:
        mine, theirs = key.of(table), at_cursor(key)
        later.append(and_(*equal, mine < theirs if key.descending else mine > theirs))
        equal.append(mine == theirs)
    later.append(and_(*equal, table.c.id > after))
    return query.where(or_(false(), *later))
