"""The event feed: an organization's events in order, rendered in the version asked for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from pairhub.adapters.db import outbox
from pairhub.adapters.db.engine import Database
from pairhub.adapters.db.tables import events
from pairhub.contract.render import EVENTS_BY_VERSION, render_event
from pairhub.services import organizations
from pairhub.services.pagination import Page, paginate


class Feed:
    """Use case: read the event feed."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def read(self, organization_id: str, after: int, version: int, limit: int) -> Page[dict[str, Any]]:
        """Events after the cursor; v2 carries `unit.paired` only, as its subscriptions do."""
        with self._database.read() as connection:
            organizations.load(connection, organization_id)
            rows = outbox.read_feed(connection, organization_id, after, limit + 1, EVENTS_BY_VERSION[version])
        items = [{"cursor": str(seq), **render_event(event, version)} for seq, event in rows]
        return paginate(items, limit, lambda item: str(item["cursor"]))

    def recent(
        self,
        organization_id: str,
        version: int,
        *,
        before: int | None = None,
        limit: int = 50,
        event_type: str | None = None,
        reason: str | None = None,
        unit_id: str | None = None,
    ) -> Page[dict[str, Any]]:
        """The newest events first (for people browsing), optionally by type, reason or unit."""
        event_types = [name for name in EVENTS_BY_VERSION[version] if event_type in (None, name)]
        query = (
            select(events)
            .where(events.c.organization_id == organization_id, events.c.event_type.in_(event_types))
            .order_by(events.c.seq.desc())
            .limit(limit + 1)
        )
        if before is not None:
            query = query.where(events.c.seq < before)
        if reason is not None:
            query = query.where(events.c.reason == reason)
        if unit_id is not None:
            query = query.where(events.c.unit_id == unit_id)
        with self._database.read() as connection:
            organizations.load(connection, organization_id)
            rows = list(connection.execute(query).mappings())
        items = [{"cursor": str(row["seq"]), **render_event(outbox.to_event(row), version)} for row in rows]
        return paginate(items, limit, lambda item: str(item["cursor"]))
