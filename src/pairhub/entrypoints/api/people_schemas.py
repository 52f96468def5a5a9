"""Request and answer shapes of API keys, members and invitations."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from pairhub.domain.organizations import ApiKey
from pairhub.domain.people import Invitation
from pairhub.entrypoints.api.presenters import iso
from pairhub.entrypoints.api.schemas import Strict
from pairhub.services.people import Member

RoleName = Literal["owner", "operator", "viewer"]


class ApiKeyIn(Strict):
    """Create an API key: a name to recognise it by, what it may do, and when it stops working."""

    name: str = Field("", max_length=200)
    scope: Literal["full", "read", "ingest"] = "full"
    expiresAt: str | None = Field(None, max_length=64, description="ISO 8601 with an offset; none: never.")


class ApiKeyOut(BaseModel):
    """An API key as listed: never the key itself."""

    id: str
    organizationId: str
    name: str
    prefix: str = Field(description="The key's first characters, to recognise it (`phk_3f9a…`).")
    scope: Literal["full", "read", "ingest"]
    createdAt: str
    createdBy: str | None
    lastUsedAt: str | None = Field(description="Coarse: to the minute, written within a minute or so.")
    expiresAt: str | None


class NewApiKeyOut(ApiKeyOut):
    """A new API key; `key` is shown this once and stored hashed."""

    key: str


def api_key(record: ApiKey) -> dict[str, Any]:
    """The listed shape of a key."""
    return {
        "id": record.id,
        "organizationId": record.organization_id,
        "name": record.name,
        "prefix": record.prefix + "…",
        "scope": record.scope.value,
        "createdAt": iso(record.created_at),
        "createdBy": record.created_by,
        "lastUsedAt": iso(record.last_used_at),
        "expiresAt": iso(record.expires_at),
    }


class MemberOut(BaseModel):
    """A person in an organization, with their role there."""

    userId: str
    email: str
    name: str
    role: RoleName
    joinedAt: str


class MemberPatch(Strict):
    """Change a member's role."""

    role: RoleName


def member(record: Member) -> dict[str, Any]:
    """The shape of a member."""
    return {
        "userId": record.person.id,
        "email": record.person.email,
        "name": record.person.display_name,
        "role": record.membership.role.value,
        "joinedAt": iso(record.membership.created_at),
    }


class InvitationIn(Strict):
    """Invite someone by email with a role."""

    email: str = Field(max_length=320)
    role: RoleName


class InvitationOut(BaseModel):
    """An open invitation (the link itself is shown only when it is made)."""

    id: str
    email: str
    role: RoleName
    createdBy: str
    expiresAt: str


class NewInvitationOut(InvitationOut):
    """A new invitation with its one-time link."""

    url: str


def invitation(record: Invitation) -> dict[str, Any]:
    """The shape of an invitation."""
    return {
        "id": record.id,
        "email": record.email,
        "role": record.role.value if record.role else "viewer",
        "createdBy": record.created_by,
        "expiresAt": iso(record.expires_at),
    }


class ResetOut(BaseModel):
    """A password-reset link, shown this once."""

    url: str
    expiresAt: str


class AcceptIn(Strict):
    """Accept an invitation: the name to show and a password."""

    name: str = Field("", max_length=200)
    password: str = Field(max_length=256)


class AcceptedOut(BaseModel):
    """Who joined."""

    userId: str
    email: str
