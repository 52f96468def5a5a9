"""The event feed, and the public catalogue of event types."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from pairhub.contract.render import offers
from pairhub.domain.events import EventType, Reason
from pairhub.entrypoints.api.deps import DEFAULT_LIMIT, AfterDep, ContainerDep, LimitDep, OrgIdDep
from pairhub.entrypoints.api.problems import BEYOND_RETENTION_RESPONSES, ApiError
from pairhub.entrypoints.api.schemas import FeedItemOut, PageOut
from pairhub.entrypoints.parsing import instant
from pairhub.services.feed import EventFilter

router = APIRouter(prefix="/v1/organizations/{org_id}/events", tags=["events"])

_INSTANT = "ISO 8601 date and time with a UTC offset, e.g. `2025-05-13T13:18:00Z`."


def _instant(name: str, text: str | None) -> int | None:
    if text is None:
        return None
    moment = instant(text)
    if moment is None:
        raise ApiError(422, "invalid_time", f"`{name}` is an {_INSTANT}")
    return moment


@router.get(
    "",
    response_model=PageOut[FeedItemOut],
    summary="Read the event feed",
    responses=BEYOND_RETENTION_RESPONSES,
)
def feed(
    org_id: OrgIdDep,
    c: ContainerDep,
    event_version: Annotated[int, Query(alias="eventVersion", ge=1, le=2)] = 1,
    after: AfterDep = None,
    limit: LimitDep = DEFAULT_LIMIT,
    event_type: Annotated[EventType | None, Query(alias="eventType", description="Only this type.")] = None,
    reason: Annotated[Reason | None, Query(description="Only `unit.paired` events of this reason.")] = None,
    unit_id: Annotated[
        str | None, Query(alias="unitId", max_length=100, description="Only this unit (its exact id).")
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=100, description="Any part of the unit id, case-insensitive."),
    ] = None,
    asset_id: Annotated[
        str | None, Query(alias="assetId", max_length=36, description="Only events naming this asset.")
    ] = None,
    since: Annotated[
        str | None, Query(max_length=64, description=f"Registered at or after this instant: {_INSTANT}")
    ] = None,
    until: Annotated[
        str | None, Query(max_length=64, description=f"Registered before this instant: {_INSTANT}")
    ] = None,
) -> dict[str, Any]:
    """The organization's events after the cursor, in order, as webhooks of that version carry them.

    The filters combine; pass the same filters with `after` to read the next page.
    """
    if event_type is not None and not offers(event_version, event_type.value):
        raise ApiError(
            422,
            "event_not_offered",
            f"eventVersion {event_version} does not carry {event_type.value} events.",
            eventName=event_type.value,
        )
    only = EventFilter(
        event_type=None if event_type is None else event_type.value,
        reason=None if reason is None else reason.value,
        unit_id=unit_id,
        unit_id_contains=(q or "").strip() or None,
        asset_id=asset_id,
        since_ms=_instant("since", since),
        until_ms=_instant("until", until),
    )
    page = c.feed.read(org_id, after, event_version, limit, only)
    return {"data": list(page.items), "nextCursor": page.next_cursor}
