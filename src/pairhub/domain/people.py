"""People, their memberships in organizations, invitations and sign-in throttling, as records and rules."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


class MemberRole(StrEnum):
    """A person's role in one organization."""

    OWNER = "owner"
    OPERATOR = "operator"
    VIEWER = "viewer"


@dataclass(frozen=True)
class Person:
    """Someone who signs in: `email_key` is the email lower-cased, unique across the instance."""

    id: str
    email: str
    display_name: str
    password_hash: str | None
    platform_admin: bool
    created_at: int

    @property
    def email_key(self) -> str:
        """The email as compared: case-insensitive."""
        return email_key(self.email)


@dataclass(frozen=True)
class Membership:
    """A person's role in an organization."""

    person_id: str
    organization_id: str
    role: MemberRole
    created_at: int


def email_key(email: str) -> str:
    """The form emails are compared in."""
    return email.strip().lower()


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"A password needs at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"A password has at most {MAX_PASSWORD_LENGTH} characters."
    return None


def email_problem(email: str) -> str | None:
    """Why an email is refused, or None (a plain shape check; delivery proves the rest)."""
    text = email.strip()
    local, at, domain = text.partition("@")
    if not at or not local or "." not in domain or len(text) > 320 or any(c.isspace() for c in text):
        return "An email looks like name@example.com."
    return None


INVITATION_LIFETIME_MS = 7 * 24 * 3600 * 1000
"""An invitation or a password reset link works for 7 days, once."""


class LinkKind(StrEnum):
    """What a one-time link does when followed."""

    INVITATION = "invitation"
    PASSWORD_RESET = "passwordReset"


@dataclass(frozen=True)
class Invitation:
    """A one-time link: to join an organization with a role, or to set a new password.

    Only the sha256 of the link's token is kept; `used_at` is set when it is accepted or withdrawn.
    """

    id: str
    kind: LinkKind
    organization_id: str | None
    email: str
    role: MemberRole | None
    token_hash: str
    created_by: str
    created_at: int
    expires_at: int
    used_at: int | None = None

    def open_at(self, now: int) -> bool:
        """True while the link can still be followed."""
        return self.used_at is None and now < self.expires_at
