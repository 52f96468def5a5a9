"""Organizations (the tenants), their API keys and the UI sessions signed in with them, as records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Organization:
    """A customer: whether auto pairing runs and whether events may be delivered to it."""

    id: str
    name: str
    auto_pairing_enabled: bool
    datahub_subscription_active: bool
    created_at: int


@dataclass(frozen=True)
class ApiKey:
    """An organization key, stored as its sha256 (the clear key is shown once)."""

    id: str
    organization_id: str
    key_hash: str
    prefix: str
    created_at: int
    revoked_at: int | None = None

    @property
    def active(self) -> bool:
        """True until revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class Session:
    """A signed-in UI session, stored as the sha256 of its token; sign-out or key revocation ends it."""

    token_hash: str
    role: str
    organization_id: str | None
    key_id: str | None
    created_at: int
    expires_at: int
