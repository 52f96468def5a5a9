"""The tables of the in-memory storage, and transactions over them by snapshot and restore."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


class MemoryState:
    """Named tables (dicts or lists of frozen records) guarded by one lock, as SQLite has one writer.

    Repositories replace records, never mutate them, so a shallow copy of every table is a snapshot.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._tables: dict[str, Any] = {}
        self.sequences: dict[str, int] = {}

    def table(self, name: str, factory: Callable[[], T]) -> T:
        """The table called `name`, created empty by `factory` on first use."""
        if name not in self._tables:
            self._tables[name] = factory()
        table: T = self._tables[name]
        return table

    def next_seq(self, name: str) -> int:
        """The next value of a sequence (never reused, like an autoincrement key)."""
        self.sequences[name] = self.sequences.get(name, 0) + 1
        return self.sequences[name]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Changes made inside are undone when the block raises."""
        with self.lock:
            tables = {name: copy.copy(table) for name, table in self._tables.items()}
            try:
                yield
            except BaseException:
                self._tables = tables
                raise
