"""The public catalogue of event types: each version's JSON Schema and examples."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pairhub.contract import schemas
from pairhub.contract.examples import all_kinds, examples_of

router = APIRouter(prefix="/v1/event-types", tags=["event types"])

_DESCRIPTIONS = {
    "unit.paired": "A pairing attempt ended: `status` success (ManualPair, AutoPair) or failed, with why.",
    "unit.unpaired": "A unit was unpaired from its asset by hand.",
}


class EventTypeOut(BaseModel):
    """One event type in one payload version, as webhooks and the feeds carry it."""

    eventType: str
    eventVersion: int
    description: str
    schema_: dict[str, Any] = Field(alias="schema", description="JSON Schema (draft 2020-12) of `eventData`.")
    example: dict[str, Any] = Field(description="One `eventsData` element.")
    examples: dict[str, dict[str, Any]] = Field(
        description="An `eventsData` element per outcome (the `reason`, or `unpaired`)."
    )


class EventTypesOut(BaseModel):
    """The catalogue (a single page)."""

    data: list[EventTypeOut]
    nextCursor: str | None = Field(None, description="Always null: the catalogue is one page.")


def _schema_of(event_type: str, version: int) -> dict[str, Any]:
    return schemas.unpaired() if event_type == "unit.unpaired" else schemas.paired(version)


@cache
def catalogue() -> dict[str, Any]:
    """Every event type pairhub sends, per version (built once: it only changes with a release)."""
    data = []
    for version, event_type in all_kinds():
        examples = examples_of(event_type, version)
        data.append(
            {
                "eventType": event_type,
                "eventVersion": version,
                "description": _DESCRIPTIONS[event_type],
                "schema": _schema_of(event_type, version),
                "example": next(iter(examples.values())),
                "examples": examples,
            }
        )
    return {"data": data, "nextCursor": None}


@router.get("", response_model=EventTypesOut, response_model_by_alias=True, summary="List the event types")
async def event_types() -> dict[str, Any]:
    """Every event type and payload version pairhub sends, with its JSON Schema and examples (no token)."""
    return catalogue()
