"""Recover a subscription: every event since a moment, sent again in new batches."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from pairhub.entrypoints.api.deps import ContainerDep, OrgIdDep
from pairhub.entrypoints.api.problems import ApiError
from pairhub.entrypoints.api.schemas import Strict
from pairhub.entrypoints.parsing import instant

router = APIRouter(prefix="/v1/organizations/{org_id}/subscriptions", tags=["subscriptions"])


class RecoverIn(Strict):
    """From when on to send the events again."""

    since: str = Field(
        max_length=64,
        description="ISO 8601 with a UTC offset: the events registered at or after it are sent again.",
        examples=["2025-05-13T00:00:00Z"],
    )


class RecoverOut(BaseModel):
    """What the recovery queued."""

    events: int = Field(description="Events queued again (those cut already; newer ones follow as usual).")
    batches: int
    recovery: int = Field(
        description="The recovery's number, as the delivery log marks its batches (0: none)."
    )


@router.post(
    "/{sub_id}/recover", status_code=202, response_model=RecoverOut, summary="Recover a subscription"
)
def recover(
    sub_id: Annotated[str, Path(max_length=64)], body: RecoverIn, org_id: OrgIdDep, c: ContainerDep
) -> dict[str, Any]:
    """Send every event registered since `since` again, as new batches after the pending ones, in order.

    Events older than the retention are not sent again (they would expire at once).
    """
    since_ms = instant(body.since)
    if since_ms is None:
        raise ApiError(422, "invalid_time", "`since` is an ISO 8601 date and time with a UTC offset.")
    done = c.recovery.recover(org_id, sub_id, since_ms)
    return {"events": done.events, "batches": done.batches, "recovery": done.recovery}
