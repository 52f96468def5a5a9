"""Datahub feeds in memory."""

from __future__ import annotations

from pairhub.adapters.memory.state import MemoryState
from pairhub.domain.feeds import Feed


class MemoryFeeds:
    """Feeds by id (the state's one lock already makes polls take turns)."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> dict[str, Feed]:
        return self._state.table("feeds", dict)

    def add(self, feed: Feed) -> None:
        """Insert a new feed."""
        self._rows[feed.id] = feed

    def get(self, feed_id: str, *, lock: bool = False) -> Feed | None:
        """One feed, or None."""
        return self._rows.get(feed_id)

    def save(self, feed: Feed) -> None:
        """Write back a changed feed."""
        self._rows[feed.id] = feed

    def delete(self, feed_id: str) -> None:
        """Remove a feed."""
        self._rows.pop(feed_id, None)

    def list(self, organization_id: str, after: str | None, limit: int) -> list[Feed]:
        """The organization's feeds by id after `after`."""
        found = sorted(
            (
                f
                for f in self._rows.values()
                if f.organization_id == organization_id and (not after or f.id > after)
            ),
            key=lambda f: f.id,
        )
        return found[:limit]
