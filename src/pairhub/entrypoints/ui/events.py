"""The Events page: the organization's events newest first, with the event feed's filters."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from pairhub.domain.assets import Asset
from pairhub.domain.errors import Invalid
from pairhub.domain.events import Reason
from pairhub.entrypoints.parsing import local_instant
from pairhub.entrypoints.ui.web import OrgViewerDep, Viewer, container_of, csrf_guard, render
from pairhub.services.feed import EventFilter
from pairhub.services.pagination import Page

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(csrf_guard)])
EVENT_PAGE = 25

REASONS = [reason.value for reason in Reason]


@dataclass(frozen=True)
class EventAsset:
    """The asset the Events page is narrowed to (found by VIN or id), or why none was found."""

    asset_id: str | None = None
    asset: Asset | None = None
    error: str | None = None


def _event_asset(request: Request, viewer: Viewer, text: str) -> EventAsset:
    """The asset whose id or VIN `text` is; an id no asset has any more still names its events."""
    if not text:
        return EventAsset()
    assets = container_of(request).assets
    asset = assets.named(viewer.org_id, {text}).get(text)
    if asset is None:
        by_vin = assets.list(viewer.org_id, vin=text, limit=1).items
        asset = by_vin[0].asset if by_vin else None
    if asset is not None:
        return EventAsset(asset.id, asset)
    # Events keep the id of an asset deleted since; an id is all that is left to find them by.
    if _is_uuid(text):
        return EventAsset(text.lower())
    return EventAsset(error=f"No asset has the VIN or id {text}.")


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


@router.get("/events")
def events_page(
    request: Request,
    viewer: OrgViewerDep,
    version: str = "1",
    event_type: str = "",
    reason: str = "",
    unit: str = "",
    asset: str = "",
    since: str = "",
    since_tz: str = "",
    until: str = "",
    until_tz: str = "",
    before: str = "",
) -> Response:
    """The organization's recent events, newest first, as JSON in the chosen payload version."""
    chosen = 2 if version == "2" else 1
    filters = {
        "version": str(chosen),
        "event_type": event_type if event_type in ("unit.paired", "unit.unpaired") else "",
        "reason": reason if reason in REASONS else "",
        "unit": unit.strip()[:100],
        "asset": asset.strip()[:64],
        "since": since[:19],
        "since_tz": since_tz[:8],
        "until": until[:19],
        "until_tz": until_tz[:8],
    }
    narrowed = _event_asset(request, viewer, filters["asset"])
    since_ms = local_instant(filters["since"], filters["since_tz"])
    until_ms = local_instant(filters["until"], filters["until_tz"])
    errors = [narrowed.error] if narrowed.error else []
    if (filters["since"] and since_ms is None) or (filters["until"] and until_ms is None):
        errors.append("Pick a date and a time (for example 2025-05-13 15:18) for From and To.")
    only = EventFilter(
        event_type=filters["event_type"] or None,
        reason=filters["reason"] or None,
        unit_id_contains=filters["unit"] or None,
        asset_id=narrowed.asset_id,
        since_ms=since_ms,
        until_ms=until_ms,
    )

    def recent(cursor: str | None) -> Page[dict[str, Any]]:
        return container_of(request).feed.recent(
            viewer.org_id, chosen, before=cursor, limit=EVENT_PAGE, only=only
        )

    if errors:
        # A filter that cannot be applied shows no events rather than events it would have left out.
        page, paged = Page[dict[str, Any]]([], None), False
    else:
        try:
            page, paged = recent(before.strip() or None), bool(before.strip())
        except Invalid:
            # A cursor edited in the address bar shows the newest events rather than an error.
            page, paged = recent(None), False
    context = {
        "page": page,
        "filters": filters,
        "filtered": any(value for key, value in filters.items() if key != "version"),
        "query": urlencode(filters),
        "asset": narrowed.asset,
        "errors": errors,
        "reasons": REASONS,
        "paged": paged,
    }
    return render(request, "events.html", context, viewer=viewer)
