"""Units of an organization."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from pairhub.entrypoints.api import presenters
from pairhub.entrypoints.api.deps import DEFAULT_LIMIT, AfterDep, ContainerDep, LimitDep, OrgIdDep
from pairhub.entrypoints.api.diagnosis_schemas import DiagnosisOut
from pairhub.entrypoints.api.problems import BEYOND_RETENTION_RESPONSES
from pairhub.entrypoints.api.schemas import PageOut, UnitIn, UnitOut

router = APIRouter(prefix="/v1/organizations/{org_id}/units", tags=["units"])

StateFilter = Literal[
    "idle",
    "paired",
    "disabled",
    "suppressed",
    "invalidData",
    "notFound",
    "multipleMatchFound",
    "unknown",
]


@router.post("", status_code=201, response_model=UnitOut)
def provision_unit(body: UnitIn, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Provision a unit for the organization."""
    return presenters.unit(c.units.provision(org_id, body.unitId))


@router.get("", response_model=PageOut[UnitOut])
def list_units(
    org_id: OrgIdDep,
    c: ContainerDep,
    paired: bool | None = None,
    state: Annotated[StateFilter | None, Query(description="Auto-pairing state.")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Any part of the unit id, case-insensitive.")
    ] = None,
    after: AfterDep = None,
    limit: LimitDep = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Units, filtered by pairing, auto-pairing state or any part of the id."""
    page = c.units.list(org_id, paired=paired, state=state, after=after, limit=limit, search=q)
    return {"data": [presenters.unit(r) for r in page.items], "nextCursor": page.next_cursor}


@router.get("/{unit_id}", response_model=UnitOut)
def get_unit(unit_id: str, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """One unit with its state."""
    return presenters.unit(c.units.get(org_id, unit_id))


@router.get("/{unit_id}/attempts", response_model=PageOut[DiagnosisOut], responses=BEYOND_RETENTION_RESPONSES)
def unit_attempts(
    unit_id: str, org_id: OrgIdDep, c: ContainerDep, after: AfterDep = None, limit: LimitDep = DEFAULT_LIMIT
) -> dict[str, Any]:
    """Why each of the unit's auto-pairing attempts ended as it did, newest first."""
    page = c.units.attempts(org_id, unit_id, after, limit)
    return {"data": [presenters.diagnosis(r) for r in page.items], "nextCursor": page.next_cursor}


@router.delete("/{unit_id}", status_code=204)
def delete_unit(unit_id: str, org_id: OrgIdDep, c: ContainerDep) -> Response:
    """Delete a unit that is not paired."""
    c.units.delete(org_id, unit_id)
    return Response(status_code=204)
