"""The ids of units known to be paired, so that their steady stream of messages needs no query.

A paired unit never acts on a message, whatever it reports (`decide_on_message`), so knowing that it
is paired is all the ingest path needs besides recording its activity. The set is only ever used to
conclude "nothing to do": every decision that writes is taken again under the unit's row lock from
the database. Entries are dropped when a commit changes a unit's pairing (this process's commits at
once, other processes' through the storage's change notifications), and the whole set is off while
the storage cannot hear other processes (docs/architecture.md, "The paired-units cache").
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable

MAX_ENTRIES = 500_000
"""Beyond this many paired units the set starts afresh rather than grow without bound."""


class PairedUnits:
    """A thread-safe set of paired unit ids with a generation that every invalidation advances."""

    def __init__(self, enabled: bool = True, max_entries: int = MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._ids: set[str] = set()
        self._generation = 0
        self._enabled = enabled
        self._max_entries = max_entries

    def __len__(self) -> int:
        with self._lock:
            return len(self._ids)

    @property
    def enabled(self) -> bool:
        """False while other processes' changes cannot be heard: every message then reads its unit."""
        return self._enabled

    @property
    def generation(self) -> int:
        """Read before a query whose paired units `remember` will add."""
        return self._generation

    def paired(self, unit_ids: Iterable[str]) -> set[str]:
        """The given units known to be paired (none while disabled)."""
        with self._lock:
            if not self._enabled:
                return set()
            return self._ids.intersection(unit_ids)

    def remember(self, unit_ids: Collection[str], generation: int) -> None:
        """Add units read as paired by a query that started at `generation`.

        When anything was invalidated since, the query may have read a pairing that is gone, so
        nothing is added: the next request reads those units again.
        """
        with self._lock:
            if not self._enabled or generation != self._generation or not unit_ids:
                return
            if len(self._ids) + len(unit_ids) > self._max_entries:
                self._ids.clear()
            self._ids.update(unit_ids)

    def forget(self, unit_ids: Collection[str] | None) -> None:
        """Drop units whose pairing changed; None drops every unit (anything may have changed)."""
        with self._lock:
            self._generation += 1
            if unit_ids is None:
                self._ids.clear()
            else:
                self._ids.difference_update(unit_ids)

    def enable(self, enabled: bool) -> None:
        """Switch the set on (starting empty) or off, as the storage's change notifications come and go."""
        with self._lock:
            self._generation += 1
            self._ids.clear()
            self._enabled = enabled
