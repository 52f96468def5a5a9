"""Request and response bodies of the Datahub Feed API, and the records turned into them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from pairhub.entrypoints.api.presenters import iso
from pairhub.entrypoints.api.schemas import Strict
from pairhub.entrypoints.api.subscription_schemas import EventName
from pairhub.services.feeds import FeedView


class FeedIn(Strict):
    """Create a feed: which events, in which version (`unit.unpaired` exists in version 1 only)."""

    eventVersion: Literal[1, 2] = 1
    eventNames: list[EventName] = Field(min_length=1, max_length=2)


class FeedOut(BaseModel):
    """A Datahub feed; poll it at `GET /v1/feed/{id}`."""

    id: str
    organizationId: str
    eventVersion: Literal[1, 2]
    eventNames: list[EventName]
    state: Literal["active", "paused"]
    createdAt: str
    updatedAt: str
    lastPolledAt: str | None
    backlogEvents: int = Field(description="Events of the feed not yet handed out.")


class FeedEventOut(BaseModel):
    """An event of a feed poll, `eventData` exactly as a webhook of that version carries it."""

    eventType: EventName
    eventVersion: Literal[1, 2]
    eventData: dict[str, Any]


class FeedPollOut(BaseModel):
    """A page of a feed; the position has moved past it. `hasNext`: more events wait already."""

    items: list[FeedEventOut]
    hasNext: bool


def feed(view: FeedView) -> dict[str, Any]:
    """A feed as the API shows it."""
    record = view.record
    return {
        "id": record.id,
        "organizationId": record.organization_id,
        "eventVersion": record.event_version,
        "eventNames": list(record.event_names),
        "state": record.state.value,
        "createdAt": iso(record.created_at),
        "updatedAt": iso(record.updated_at),
        "lastPolledAt": iso(record.last_polled_at),
        "backlogEvents": view.backlog,
    }
