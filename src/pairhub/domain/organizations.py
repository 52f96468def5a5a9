"""Organizations (the tenants), their API keys and the UI sessions, as records."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Organization:
    """A customer: whether auto pairing runs and whether events may be delivered to it."""

    id: str
    name: str
    auto_pairing_enabled: bool
    datahub_subscription_active: bool
    created_at: int


class KeyScope(StrEnum):
    """What an API key may do: everything an operator may, read only, or post unit messages only."""

    FULL = "full"
    READ = "read"
    INGEST = "ingest"


@dataclass(frozen=True)
class ApiKey:
    """An organization key, stored as its sha256 (the clear key is shown once)."""

    id: str
    organization_id: str
    key_hash: str
    prefix: str
    created_at: int
    revoked_at: int | None = None
    name: str = ""
    scope: KeyScope = KeyScope.FULL
    created_by: str | None = None
    """Who made it, as the audit log names them (a person's name, `admin`)."""
    last_used_at: int | None = None
    """Coarse: written in batches, at most once a minute per key."""
    expires_at: int | None = None

    def usable(self, now: int) -> bool:
        """True until revoked or expired."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    @property
    def active(self) -> bool:
        """True until revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class Session:
    """A signed-in UI session, stored as the sha256 of its token.

    `role` is `person` (then `person_id` is set) or `admin` (then `admin_fingerprint` is the admin token's
    fingerprint, so rotating the token ends the session).
    """

    token_hash: str
    role: str
    organization_id: str | None
    key_id: str | None
    created_at: int
    expires_at: int
    person_id: str | None = None
    admin_fingerprint: str | None = None
