"""People across the instance (the platform admin): listed and searched, platform-admin rights, deletion."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from pairhub.entrypoints.api.deps import DEFAULT_LIMIT, AfterDep, ContainerDep, LimitDep
from pairhub.entrypoints.api.people_schemas import RoleName
from pairhub.entrypoints.api.presenters import iso
from pairhub.entrypoints.api.schemas import PageOut, Strict
from pairhub.services.accounts import Account

router = APIRouter(prefix="/v1/people", tags=["people and keys"])
PersonId = Annotated[str, Path(max_length=64)]


class MembershipOut(BaseModel):
    """One organization a person belongs to, with their role there."""

    organizationId: str
    role: RoleName


class PersonOut(BaseModel):
    """A person on the instance, with every organization they belong to."""

    userId: str
    email: str
    name: str
    platformAdmin: bool
    memberships: list[MembershipOut]
    createdAt: str


class PersonPatch(Strict):
    """Grant or take a person's platform-admin rights."""

    platformAdmin: bool


def person(record: Account) -> dict[str, Any]:
    """The shape of a person on the instance."""
    return {
        "userId": record.person.id,
        "email": record.person.email,
        "name": record.person.display_name,
        "platformAdmin": record.person.platform_admin,
        "memberships": [
            {"organizationId": m.organization_id, "role": m.role.value} for m in record.memberships
        ],
        "createdAt": iso(record.person.created_at),
    }


@router.get("", response_model=PageOut[PersonOut])
def list_people(
    c: ContainerDep,
    q: Annotated[
        str | None, Query(max_length=320, description="Any part of the email or the name, case-insensitive.")
    ] = None,
    after: AfterDep = None,
    limit: LimitDep = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Everyone on the instance by email, with their organizations and roles (platform admin)."""
    page = c.accounts.directory(q.strip() if q else None, after, limit)
    return {"data": [person(a) for a in page.items], "nextCursor": page.next_cursor}


@router.get("/{person_id}", response_model=PersonOut)
def get_person(person_id: PersonId, c: ContainerDep) -> dict[str, Any]:
    """One person with their organizations and roles (platform admin)."""
    return person(c.accounts.account(person_id))


@router.patch("/{person_id}", response_model=PersonOut)
def change_person(person_id: PersonId, body: PersonPatch, c: ContainerDep) -> dict[str, Any]:
    """Grant or take platform-admin rights; the person's sessions end. Taking them from the last
    platform admin is refused with 409 `last_platform_admin`."""
    return person(c.accounts.set_platform_admin(person_id, body.platformAdmin))


@router.delete("/{person_id}", status_code=204)
def delete_person(person_id: PersonId, c: ContainerDep) -> Response:
    """Delete a person's account with their memberships and sessions. Refused with 409
    `last_platform_admin` for the last platform admin, and `last_owner` for an organization's last owner."""
    c.accounts.delete(person_id)
    return Response(status_code=204)
