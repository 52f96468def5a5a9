"""The event feed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from pairhub.entrypoints.api.deps import DEFAULT_LIMIT, AfterDep, ContainerDep, LimitDep, OrgIdDep
from pairhub.entrypoints.api.schemas import FeedItemOut, PageOut

router = APIRouter(prefix="/v1/organizations/{org_id}/events", tags=["events"])


@router.get("", response_model=PageOut[FeedItemOut])
def feed(
    org_id: OrgIdDep,
    c: ContainerDep,
    event_version: Annotated[int, Query(alias="eventVersion", ge=1, le=2)] = 1,
    after: AfterDep = None,
    limit: LimitDep = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """The organization's events after the cursor, in order, as webhooks of that version carry them."""
    page = c.feed.read(org_id, after, event_version, limit)
    return {"data": list(page.items), "nextCursor": page.next_cursor}
