"""Datahub feeds and their positions."""

from __future__ import annotations

from typing import Protocol

from pairhub.domain.feeds import Feed


class FeedRepository(Protocol):
    """Datahub feeds and their positions."""

    def add(self, feed: Feed) -> None:
        """Insert a new feed."""
        ...

    def get(self, feed_id: str, *, lock: bool = False) -> Feed | None:
        """One feed (locked for this unit of work when `lock`, so polls of it take turns), or None."""
        ...

    def save(self, feed: Feed) -> None:
        """Write back a changed feed."""
        ...

    def delete(self, feed_id: str) -> None:
        """Remove a feed."""
        ...

    def list(self, organization_id: str, after: str | None, limit: int) -> list[Feed]:
        """The organization's feeds by id after `after`."""
        ...
