"""The event feed: an organization's events in order, rendered in the version asked for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pairhub.contract.render import EVENTS_BY_VERSION, render_event
from pairhub.domain.errors import BeyondRetention
from pairhub.ports import EventQuery, Storage, StoredEvent
from pairhub.services import organizations
from pairhub.services.pagination import CursorKind, Cursors, Page, paginate


@dataclass(frozen=True)
class EventFilter:
    """Which events of the feed to read: by type, reason, unit, asset and registration time."""

    event_type: str | None = None
    reason: str | None = None
    unit_id: str | None = None
    unit_id_contains: str | None = None
    """Any part of the unit id, case-insensitive."""
    asset_id: str | None = None
    since_ms: int | None = None
    """Registered at or after this instant."""
    until_ms: int | None = None
    """Registered before this instant."""


class Feed:
    """Use case: read the event feed."""

    def __init__(self, storage: Storage, cursors: Cursors) -> None:
        self._storage = storage
        self._cursors = cursors

    def read(
        self,
        organization_id: str,
        after: str | None,
        version: int,
        limit: int,
        only: EventFilter | None = None,
    ) -> Page[dict[str, Any]]:
        """Events after the cursor; v2 carries `unit.paired` only, as its subscriptions do."""
        position = self._cursors.decode(CursorKind.EVENTS, organization_id, after) or 0
        query = _query(organization_id, version, limit, only or EventFilter(), after=position)
        return self._page(organization_id, query, version, limit, after=position)

    def recent(
        self,
        organization_id: str,
        version: int,
        *,
        before: str | None = None,
        limit: int = 50,
        only: EventFilter | None = None,
    ) -> Page[dict[str, Any]]:
        """The newest events first (for people browsing), with the same filters as `read`."""
        query = _query(
            organization_id,
            version,
            limit,
            only or EventFilter(),
            newest_first=True,
            before=self._cursors.decode(CursorKind.EVENTS, organization_id, before),
        )
        return self._page(organization_id, query, version, limit)

    def _page(
        self, organization_id: str, query: EventQuery, version: int, limit: int, after: int = 0
    ) -> Page[dict[str, Any]]:
        with self._storage.read() as uow:
            organizations.require(uow, organization_id)
            # A cursor below the newest pruned event would silently skip what was pruned after it.
            if after and after < (through := uow.events.pruned_through(organization_id)):
                raise BeyondRetention(self._cursors.encode(CursorKind.EVENTS, organization_id, through))
            stored = uow.events.read(query)
        items = [self._item(organization_id, entry, version) for entry in stored]
        return paginate(items, limit, lambda item: str(item["cursor"]))

    def _item(self, organization_id: str, stored: StoredEvent, version: int) -> dict[str, Any]:
        return {
            "cursor": event_cursor(self._cursors, organization_id, stored),
            **render_event(stored.event, version),
        }


def _query(
    organization_id: str,
    version: int,
    limit: int,
    only: EventFilter,
    *,
    after: int = 0,
    newest_first: bool = False,
    before: int | None = None,
) -> EventQuery:
    """The storage query for `only` in payload `version` (v2 carries `unit.paired` only)."""
    event_types = [name for name in EVENTS_BY_VERSION[version] if only.event_type in (None, name)]
    return EventQuery(
        organization_id,
        event_types,
        limit + 1,
        after=after,
        newest_first=newest_first,
        before=before,
        reason=only.reason,
        unit_id=only.unit_id,
        unit_id_contains=only.unit_id_contains,
        asset_id=only.asset_id,
        since_ms=only.since_ms,
        until_ms=only.until_ms,
    )


def event_cursor(cursors: Cursors, organization_id: str, stored: StoredEvent) -> str:
    """The cursor of an event as `GET .../events?after=` takes it (the Feed API's `Feed-Cursor` too)."""
    return cursors.encode(CursorKind.EVENTS, organization_id, stored.seq)
