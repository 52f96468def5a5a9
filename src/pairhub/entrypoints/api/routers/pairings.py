"""Manual pairing, unpairing, the snapshot and the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from pairhub.entrypoints.api import presenters
from pairhub.entrypoints.api.deps import DEFAULT_LIMIT, AfterDep, ContainerDep, LimitDep, OrgIdDep
from pairhub.entrypoints.api.problems import ApiError
from pairhub.entrypoints.api.schemas import PageOut, PairingHistoryOut, PairingIn, PairingOut

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

router = APIRouter(prefix="/v1/organizations/{org_id}/pairings", tags=["pairings"])


def parse_instant(value: str, name: str = "asOf") -> int:
    """An ISO 8601 time with an offset as epoch milliseconds, or 400 `invalid_time`."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    # Without an offset the instant depends on the reader's zone; refuse rather than guess UTC.
    if moment is None or moment.tzinfo is None:
        raise ApiError(400, "invalid_time", f"`{name}` must be an ISO 8601 time with an offset, e.g. `Z`.")
    return (moment - _EPOCH) // timedelta(milliseconds=1)


AsOfDep = Annotated[
    str | None,
    Query(
        alias="asOf",
        max_length=64,
        description="An ISO 8601 time with an offset: the pairings in force at that instant.",
    ),
]


@router.post(
    "",
    status_code=201,
    response_model=PairingOut,
    responses={200: {"model": PairingOut, "description": "The pairing was already in place."}},
)
def pair(body: PairingIn, org_id: OrgIdDep, c: ContainerDep, response: Response) -> dict[str, Any]:
    """Pair a unit with an asset: 201 when created, 200 when it was already so."""
    result = c.pairing.pair(org_id, body.unitId, body.assetId)
    if not result.created:
        response.status_code = 200
    return presenters.pairing(result.unit)


@router.get("", response_model=PageOut[PairingOut])
def snapshot(
    org_id: OrgIdDep,
    c: ContainerDep,
    after: AfterDep = None,
    limit: LimitDep = DEFAULT_LIMIT,
    as_of: AsOfDep = None,
) -> dict[str, Any]:
    """The current pairings, or with `asOf` those in force at that instant (from the history)."""
    if as_of is not None:
        entries = c.pairing.as_of(org_id, parse_instant(as_of), after, limit)
        return {"data": [presenters.in_force(e) for e in entries.items], "nextCursor": entries.next_cursor}
    page = c.pairing.snapshot(org_id, after, limit)
    return {"data": [presenters.pairing(r) for r in page.items], "nextCursor": page.next_cursor}


@router.get("/history", response_model=PageOut[PairingHistoryOut])
def history(
    org_id: OrgIdDep,
    c: ContainerDep,
    unit_id: Annotated[str | None, Query(alias="unitId", max_length=100)] = None,
    after: AfterDep = None,
    limit: LimitDep = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Every pairing past and present, oldest first."""
    page = c.pairing.history(org_id, unit_id, after, limit)
    return {"data": [presenters.history(r) for r in page.items], "nextCursor": page.next_cursor}


@router.delete("/{unit_id}", response_model=PairingHistoryOut)
def unpair(unit_id: str, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Unpair a unit; auto pairing stays suppressed until it reports another VIN."""
    return presenters.history(c.pairing.unpair(org_id, unit_id))
