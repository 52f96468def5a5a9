"""Unknown units: ids whose messages were refused because no organization provisioned them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pairhub.entrypoints.api.deps import DEFAULT_LIMIT, AdminDep, AfterDep, ContainerDep, LimitDep
from pairhub.entrypoints.api.presenters import iso
from pairhub.entrypoints.api.schemas import PageOut

router = APIRouter(prefix="/v1/unknown-units", tags=["units"])


class UnknownUnitOut(BaseModel):
    """A unit id that reported without being provisioned."""

    unitId: str
    firstSeen: str = Field(description="When the first refused message of this id arrived.")
    lastSeen: str = Field(description="When the latest one arrived.")
    messages: int = Field(description="Refused messages counted (HTTP and MQTT).")


@router.get("", response_model=PageOut[UnknownUnitOut])
def list_unknown_units(
    _: AdminDep, c: ContainerDep, after: AfterDep = None, limit: LimitDep = DEFAULT_LIMIT
) -> dict[str, Any]:
    """Unit ids refused as `unknown_unit`, most recently seen first; provision one to take its messages.

    Bounded: at most `PAIRHUB_UNKNOWN_UNITS_LIMIT` ids are kept, the least recently seen make room.
    """
    page = c.unknown_units.list(after, limit)
    return {
        "data": [
            {
                "unitId": unit.unit_id,
                "firstSeen": iso(unit.first_seen),
                "lastSeen": iso(unit.last_seen),
                "messages": unit.messages,
            }
            for unit in page.items
        ],
        "nextCursor": page.next_cursor,
    }
