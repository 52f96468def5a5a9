"""Keyset pagination shared by every list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items and the cursor of the next page (None at the end)."""

    items: Sequence[T]
    next_cursor: str | None


def paginate(rows: Sequence[T], limit: int, cursor_of: Callable[[T], str]) -> Page[T]:
    """Cut `rows` (fetched with limit + 1) into a page; the extra row only proves there is more."""
    if len(rows) > limit:
        kept = rows[:limit]
        return Page(kept, cursor_of(kept[-1]))
    return Page(rows, None)
