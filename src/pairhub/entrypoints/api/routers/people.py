"""API keys, members and invitations of an organization, and accepting an invitation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from pairhub.domain.organizations import KeyScope
from pairhub.domain.people import MemberRole
from pairhub.entrypoints.api import people_schemas as shapes
from pairhub.entrypoints.api.deps import (
    DEFAULT_LIMIT,
    AfterDep,
    ContainerDep,
    LimitDep,
    OrgIdDep,
    PrincipalDep,
)
from pairhub.entrypoints.api.presenters import iso
from pairhub.entrypoints.api.routers.pairings import parse_instant
from pairhub.entrypoints.api.schemas import PageOut

router = APIRouter(prefix="/v1/organizations/{org_id}", tags=["people and keys"])
accept_router = APIRouter(prefix="/v1/invitations", tags=["people and keys"])
Id = Annotated[str, Path(max_length=64)]
NO_STORE = {"Cache-Control": "no-store"}


def link(request: Request, path: str) -> str:
    """An absolute link to a UI page: under `PAIRHUB_PUBLIC_URL` when set, else as the caller reached it."""
    # A link is mailed to someone else: the address behind a proxy or a port forward may not reach them.
    public: str | None = request.app.state.container.settings.public_url
    return (public or str(request.base_url).rstrip("/")) + path


def invitation_path(token: str) -> str:
    """Where an invitation link leads: the UI's form that accepts it."""
    return f"/ui/invitations/{token}"


def reset_path(token: str) -> str:
    """Where a password-reset link leads: the UI's form that sets the new password."""
    return f"/ui/password-reset/{token}"


@router.get("/api-keys", response_model=PageOut[shapes.ApiKeyOut])
def list_api_keys(
    org_id: OrgIdDep, c: ContainerDep, after: AfterDep = None, limit: LimitDep = DEFAULT_LIMIT
) -> dict[str, Any]:
    """The organization's keys that are not revoked; never the keys themselves."""
    page = c.organizations.api_keys(org_id, after, limit)
    return {"data": [shapes.api_key(k) for k in page.items], "nextCursor": page.next_cursor}


@router.post("/api-keys", status_code=201, response_model=shapes.NewApiKeyOut)
def create_api_key(
    org_id: OrgIdDep,
    principal: PrincipalDep,
    c: ContainerDep,
    response: Response,
    body: shapes.ApiKeyIn | None = None,
) -> dict[str, Any]:
    """Create an API key; the key is shown once."""
    given = body or shapes.ApiKeyIn()
    created, key = c.organizations.create_api_key(
        org_id,
        name=given.name.strip(),
        scope=KeyScope(given.scope),
        expires_at=None if given.expiresAt is None else parse_instant(given.expiresAt, "expiresAt"),
        created_by=principal.actor_name,
    )
    response.headers.update(NO_STORE)
    return {**shapes.api_key(created), "key": key}


@router.delete("/api-keys/{key_id}", status_code=204)
def revoke_api_key(org_id: OrgIdDep, key_id: Id, c: ContainerDep) -> Response:
    """Revoke an API key: refused from the next request on."""
    c.organizations.revoke_api_key(org_id, key_id)
    return Response(status_code=204)


@router.get("/members", response_model=PageOut[shapes.MemberOut])
def list_members(
    org_id: OrgIdDep, c: ContainerDep, after: AfterDep = None, limit: LimitDep = DEFAULT_LIMIT
) -> dict[str, Any]:
    """The organization's people and their roles."""
    page = c.people.members(org_id, after, limit)
    return {"data": [shapes.member(m) for m in page.items], "nextCursor": page.next_cursor}


@router.get("/members/{user_id}", response_model=shapes.MemberOut)
def get_member(org_id: OrgIdDep, user_id: Id, c: ContainerDep) -> dict[str, Any]:
    """One member."""
    return shapes.member(c.people.member(org_id, user_id))


@router.patch("/members/{user_id}", response_model=shapes.MemberOut)
def change_member(org_id: OrgIdDep, user_id: Id, body: shapes.MemberPatch, c: ContainerDep) -> dict[str, Any]:
    """Change a member's role; their sessions end."""
    return shapes.member(c.people.change_role(org_id, user_id, MemberRole(body.role)))


@router.delete("/members/{user_id}", status_code=204)
def remove_member(org_id: OrgIdDep, user_id: Id, c: ContainerDep) -> Response:
    """Take a person out of the organization; their sessions end."""
    c.people.remove(org_id, user_id)
    return Response(status_code=204)


@router.get("/invitations", response_model=PageOut[shapes.InvitationOut])
def list_invitations(
    org_id: OrgIdDep, c: ContainerDep, after: AfterDep = None, limit: LimitDep = DEFAULT_LIMIT
) -> dict[str, Any]:
    """Invitations that can still be accepted (their links are never shown again)."""
    page = c.invitations.open_of(org_id, after, limit)
    return {"data": [shapes.invitation(i) for i in page.items], "nextCursor": page.next_cursor}


@router.post("/invitations", status_code=201, response_model=shapes.NewInvitationOut)
def invite(
    org_id: OrgIdDep,
    body: shapes.InvitationIn,
    principal: PrincipalDep,
    c: ContainerDep,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    """Invite someone: the one-time link is in `url`, shown this once (and mailed when mail is set up)."""
    created, token = c.invitations.invite(org_id, body.email, MemberRole(body.role), principal.actor_name)
    url = link(request, invitation_path(token))
    organization = c.organizations.get(org_id).name
    c.notices.invitation(created.email, url, organization, body.role, principal.actor_name)
    response.headers.update(NO_STORE)
    return {**shapes.invitation(created), "url": url}


@router.post("/members/{user_id}/password-reset", status_code=201, response_model=shapes.ResetOut)
def password_reset(
    org_id: OrgIdDep,
    user_id: Id,
    principal: PrincipalDep,
    c: ContainerDep,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    """A one-time link for the member to set a new password, shown this once (and mailed when set up)."""
    created, token = c.invitations.reset_link(org_id, user_id, principal.actor_name)
    url = link(request, reset_path(token))
    c.notices.password_reset(created.email, url)
    response.headers.update(NO_STORE)
    return {"url": url, "expiresAt": iso(created.expires_at)}


@router.delete("/invitations/{invitation_id}", status_code=204)
def withdraw_invitation(org_id: OrgIdDep, invitation_id: Id, c: ContainerDep) -> Response:
    """Withdraw an invitation: its link stops working."""
    c.invitations.withdraw(org_id, invitation_id)
    return Response(status_code=204)


@accept_router.post("/{token}/accept", status_code=201, response_model=shapes.AcceptedOut)
def accept_invitation(
    token: Annotated[str, Path(max_length=100)], body: shapes.AcceptIn, request: Request, c: ContainerDep
) -> dict[str, Any]:
    """Accept an invitation with a name and a password (or the password of one's existing account)."""
    person = c.invitations.accept(token, body.name, body.password)
    return {"userId": person.id, "email": person.email}
