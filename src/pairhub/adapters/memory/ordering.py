"""Sorted keyset pages in memory, with the answers of `adapters/sql/ordering`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar


class HasId(Protocol):
    """A record with an id, the last key of every order."""

    @property
    def id(self) -> str:
        """The record's id."""
        ...


R = TypeVar("R", bound=HasId)


def page_after(
    rows: Iterable[R],
    every: Mapping[str, R],
    key: Callable[[R], tuple[Any, ...]],
    after: str | None,
    limit: int,
) -> list[R]:
    """`rows` sorted by `key` then id, after the record `after` of `every` (empty when it is gone)."""

    def full_key(row: R) -> tuple[Any, ...]:
        return (*key(row), row.id)

    ordered = sorted(rows, key=full_key)
    if after:
        cursor = every.get(after)
        if cursor is None:
            return []
        ordered = [row for row in ordered if full_key(row) > full_key(cursor)]
    return ordered[:limit]
