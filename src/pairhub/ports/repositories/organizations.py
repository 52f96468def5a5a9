"""Organizations, their API keys and the signed-in UI sessions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from pairhub.domain.organizations import ApiKey, Organization, Session


class OrganizationRepository(Protocol):
    """Organizations."""

    def add(self, organization: Organization) -> None:
        """Insert a new organization."""
        ...

    def get(self, organization_id: str) -> Organization | None:
        """One organization, or None."""
        ...

    def save(self, organization: Organization) -> None:
        """Write back a changed organization."""
        ...

    def list(self, only_id: str | None, after: str | None, limit: int) -> list[Organization]:
        """Organizations by id after `after`; `only_id` narrows the list to one."""
        ...


class ApiKeyRepository(Protocol):
    """Organization API keys (hashed)."""

    def add(self, key: ApiKey) -> None:
        """Insert a new key."""
        ...

    def get(self, key_id: str) -> ApiKey | None:
        """One key by id, or None."""
        ...

    def find_active(self, key_hash: str) -> ApiKey | None:
        """The unrevoked key with this hash, or None."""
        ...

    def save(self, key: ApiKey) -> None:
        """Write back a changed key."""
        ...

    def list(self, organization_id: str, after: str | None, limit: int) -> list[ApiKey]:
        """The organization's unrevoked keys by id after `after`."""
        ...

    def touch(self, used: Mapping[str, int]) -> None:
        """Record when keys were last used (an older time never overwrites a newer)."""
        ...


class SessionRepository(Protocol):
    """Signed-in UI sessions, by the hash of their token."""

    def add(self, session: Session) -> None:
        """Insert a new session."""
        ...

    def find_active(self, token_hash: str, now: int) -> Session | None:
        """The session with this hash while it has not expired and its API key (if any) is not revoked."""
        ...

    def delete(self, token_hash: str) -> None:
        """End one session."""
        ...

    def delete_of_key(self, key_id: str) -> None:
        """End every session signed in with this API key."""
        ...

    def delete_of_person(self, person_id: str, keep: str | None = None) -> None:
        """End a person's sessions, but `keep` (a token hash: the session that made the change)."""
        ...

    def delete_expired(self, now: int) -> None:
        """Forget sessions that expired."""
        ...
