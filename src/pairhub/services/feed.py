"""The event feed: an organization's events in order, rendered in the version asked for."""

from __future__ import annotations

from typing import Any

from pairhub.adapters.db import outbox
from pairhub.adapters.db.engine import Database
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
