"""The Datahub Feed API: feeds of an organization, and polling one from the position the server holds."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from pairhub.domain.feeds import DEFAULT_POLL_LIMIT, MAX_POLL_LIMIT, MIN_POLL_LIMIT
from pairhub.entrypoints.api import feed_schemas as shapes
from pairhub.entrypoints.api.deps import (
    DEFAULT_LIMIT,
    AfterDep,
    ContainerDep,
    LimitDep,
    OrgIdDep,
    PrincipalDep,
)
from pairhub.entrypoints.api.problems import BEYOND_RETENTION_RESPONSES, ApiError
from pairhub.entrypoints.api.schemas import PageOut
from pairhub.entrypoints.parsing import sequence_number

router = APIRouter(tags=["feeds"])
FEEDS = "/v1/organizations/{org_id}/feeds"

FeedId = Annotated[str, Path(max_length=64)]
# Read as text so that one parser decides (`100.0` and fullwidth digits are not numbers here); the document
# declares the integer the parser accepts.
PollLimit = Annotated[str | None, Query(max_length=20, include_in_schema=False)]
_LIMIT_PARAMETER = {
    "name": "limit",
    "in": "query",
    "required": False,
    "description": f"Events per answer, {MIN_POLL_LIMIT} to {MAX_POLL_LIMIT}.",
    "schema": {
        "type": "integer",
        "minimum": MIN_POLL_LIMIT,
        "maximum": MAX_POLL_LIMIT,
        "default": DEFAULT_POLL_LIMIT,
    },
}


def parse_poll_limit(text: str | None) -> int:
    """The page size of a poll, or 422 `invalid_limit`."""
    if text is None:
        return DEFAULT_POLL_LIMIT
    limit = sequence_number(text)
    if limit is None or not MIN_POLL_LIMIT <= limit <= MAX_POLL_LIMIT:
        raise ApiError(
            422, "invalid_limit", f"`limit` must be a whole number from {MIN_POLL_LIMIT} to {MAX_POLL_LIMIT}."
        )
    return limit


_POLL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            "Feed-Cursor": {
                "description": (
                    "The cursor of the last item, as `GET .../events?after=` takes it: keep it, and a"
                    " lost page can be read again from the event feed. Absent when `items` is empty."
                ),
                "schema": {"type": "string"},
            }
        }
    },
    429: {
        "description": "Polled again too soon after an answer with `hasNext: false`.",
        "headers": {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}
        },
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    },
    **BEYOND_RETENTION_RESPONSES,
}


@router.post(FEEDS, status_code=201, response_model=shapes.FeedOut)
def create_feed(body: shapes.FeedIn, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Create a feed; it starts at the organization's first event (the feed covers the past)."""
    return shapes.feed(c.feeds.create(org_id, body.eventVersion, body.eventNames))


@router.get(FEEDS, response_model=PageOut[shapes.FeedOut])
def list_feeds(
    org_id: OrgIdDep, c: ContainerDep, after: AfterDep = None, limit: LimitDep = DEFAULT_LIMIT
) -> dict[str, Any]:
    """The organization's feeds."""
    page = c.feeds.list(org_id, after, limit)
    return {"data": [shapes.feed(view) for view in page.items], "nextCursor": page.next_cursor}


@router.get(FEEDS + "/{feed_id}", response_model=shapes.FeedOut)
def get_feed(feed_id: FeedId, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """One feed with its state and the number of events waiting for it."""
    return shapes.feed(c.feeds.get(org_id, feed_id))


@router.post(FEEDS + "/{feed_id}/pause", response_model=shapes.FeedOut)
def pause_feed(feed_id: FeedId, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Pause a feed: polls answer 404 until it is resumed; its position stays."""
    return shapes.feed(c.feeds.pause(org_id, feed_id))


@router.post(FEEDS + "/{feed_id}/resume", response_model=shapes.FeedOut)
def resume_feed(feed_id: FeedId, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Resume a paused feed from where it stopped."""
    return shapes.feed(c.feeds.resume(org_id, feed_id))


@router.delete(FEEDS + "/{feed_id}", status_code=204)
def delete_feed(feed_id: FeedId, org_id: OrgIdDep, c: ContainerDep) -> Response:
    """Delete a feed; polling it answers 404."""
    c.feeds.delete(org_id, feed_id)
    return Response(status_code=204)


@router.get(
    "/v1/feed/{feed_id}",
    response_model=shapes.FeedPollOut,
    responses=_POLL_RESPONSES,
    openapi_extra={"parameters": [_LIMIT_PARAMETER]},
)
def poll_feed(
    feed_id: FeedId,
    principal: PrincipalDep,
    c: ContainerDep,
    response: Response,
    limit: PollLimit = None,
) -> dict[str, Any]:
    """The events after the feed's position, which moves past them; the organization's key reads it."""
    poll = c.feeds.poll(principal, feed_id, parse_poll_limit(limit))
    if poll.cursor is not None:
        response.headers["Feed-Cursor"] = poll.cursor
    return {"items": list(poll.items), "hasNext": poll.has_next}
