"""Organizations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pairhub.domain.access import Action, allowed
from pairhub.entrypoints.api import presenters
from pairhub.entrypoints.api.deps import (
    DEFAULT_LIMIT,
    AdminDep,
    AfterDep,
    ContainerDep,
    LimitDep,
    OrgIdDep,
    PrincipalDep,
)
from pairhub.entrypoints.api.problems import ApiError
from pairhub.entrypoints.api.schemas import (
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
    PageOut,
)

router = APIRouter(prefix="/v1/organizations", tags=["organizations"])


@router.post("", status_code=201, response_model=OrganizationOut)
def create_organization(body: OrganizationIn, _: AdminDep, c: ContainerDep) -> dict[str, Any]:
    """Create an organization (admin)."""
    row = c.organizations.create(body.name, body.autoPairingEnabled, body.datahubSubscriptionActive)
    return presenters.organization(row)


@router.get("", response_model=PageOut[OrganizationOut])
def list_organizations(
    principal: PrincipalDep,
    c: ContainerDep,
    after: AfterDep = None,
    limit: LimitDep = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """All organizations for the admin; an organization key sees its own."""
    page = c.organizations.list(principal.organization_id, after, limit)
    return {
        "data": [presenters.organization(r) for r in page.items],
        "nextCursor": page.next_cursor,
    }


@router.get("/{org_id}", response_model=OrganizationOut)
def get_organization(org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """One organization."""
    return presenters.organization(c.organizations.get(org_id))


@router.patch("/{org_id}", response_model=OrganizationOut)
def update_organization(
    body: OrganizationPatch, org_id: OrgIdDep, principal: PrincipalDep, c: ContainerDep
) -> dict[str, Any]:
    """Change an organization; an organization key may switch auto pairing only."""
    given = body.model_dump(exclude_unset=True)
    if any(value is None for value in given.values()):
        raise ApiError(422, "validation_error", "Fields of an organization cannot be null.")
    if set(given) - {"autoPairingEnabled"} and not allowed(principal.role_in(org_id), Action.PLATFORM_MANAGE):
        raise ApiError(403, "admin_only", "Only the admin may change these fields.")
    changed = c.organizations.update(
        org_id,
        name=given.get("name"),
        auto_pairing_enabled=given.get("autoPairingEnabled"),
        datahub_subscription_active=given.get("datahubSubscriptionActive"),
    )
    return presenters.organization(changed)
