"""Datahub feeds on SQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from pairhub.adapters.sql.tables import feeds
from pairhub.domain.feeds import Feed, FeedState


def _values(feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.id,
        "organization_id": feed.organization_id,
        "event_version": feed.event_version,
        "event_names": json.dumps(list(feed.event_names)),
        "state": feed.state.value,
        "created_at": feed.created_at,
        "updated_at": feed.updated_at,
        "cursor_seq": feed.cursor_seq,
        "last_polled_at": feed.last_polled_at,
        "drained": feed.drained,
    }


def _feed(row: RowMapping) -> Feed:
    return Feed(
        id=row["id"],
        organization_id=row["organization_id"],
        event_version=row["event_version"],
        event_names=tuple(json.loads(row["event_names"])),
        state=FeedState(row["state"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        cursor_seq=row["cursor_seq"],
        last_polled_at=row["last_polled_at"],
        drained=bool(row["drained"]),
    )


class SqlFeeds:
    """The feeds table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, feed: Feed) -> None:
        """Insert a new feed."""
        self._connection.execute(insert(feeds), _values(feed))

    def get(self, feed_id: str, *, lock: bool = False) -> Feed | None:
        """One feed, or None; `lock` holds its row until commit (SQLite's writer lock does the same)."""
        query = select(feeds).where(feeds.c.id == feed_id)
        if lock:
            query = query.with_for_update()
        row = self._connection.execute(query).mappings().first()
        return None if row is None else _feed(row)

    def save(self, feed: Feed) -> None:
        """Write back a changed feed."""
        values = _values(feed)
        self._connection.execute(update(feeds).where(feeds.c.id == values.pop("id")).values(**values))

    def delete(self, feed_id: str) -> None:
        """Remove a feed."""
        self._connection.execute(delete(feeds).where(feeds.c.id == feed_id))

    def list(self, organization_id: str, after: str | None, limit: int) -> list[Feed]:
        """The organization's feeds by id after `after`."""
        query = (
            select(feeds).where(feeds.c.organization_id == organization_id).order_by(feeds.c.id).limit(limit)
        )
        if after:
            query = query.where(feeds.c.id > after)
        return [_feed(row) for row in self._connection.execute(query).mappings()]
