"""Organizations, API keys and UI sessions in memory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from pairhub.adapters.memory.state import MemoryState
from pairhub.domain.organizations import ApiKey, Organization, Session


class MemoryOrganizations:
    """Organizations by id."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> dict[str, Organization]:
        return self._state.table("organizations", dict)

    def add(self, organization: Organization) -> None:
        """Insert a new organization."""
        self._rows[organization.id] = organization

    def get(self, organization_id: str) -> Organization | None:
        """One organization, or None."""
        return self._rows.get(organization_id)

    def save(self, organization: Organization) -> None:
        """Write back a changed organization."""
        self._rows[organization.id] = organization

    def list(self, only_id: str | None, after: str | None, limit: int) -> list[Organization]:
        """Organizations by id after `after`; `only_id` narrows the list to one."""
        found = sorted(
            (
                org
                for org in self._rows.values()
                if only_id in (None, org.id) and (not after or org.id > after)
            ),
            key=lambda org: org.id,
        )
        return found[:limit]


class MemoryApiKeys:
    """API keys by id."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> dict[str, ApiKey]:
        return self._state.table("api_keys", dict)

    def add(self, key: ApiKey) -> None:
        """Insert a new key."""
        self._rows[key.id] = key

    def get(self, key_id: str) -> ApiKey | None:
        """One key by id, or None."""
        return self._rows.get(key_id)

    def find_active(self, key_hash: str) -> ApiKey | None:
        """The unrevoked key with this hash, or None."""
        return next((key for key in self._rows.values() if key.key_hash == key_hash and key.active), None)

    def save(self, key: ApiKey) -> None:
        """Write back a changed key."""
        self._rows[key.id] = key

    def list(self, organization_id: str, after: str | None, limit: int) -> list[ApiKey]:
        """The organization's unrevoked keys by id after `after`."""
        found = sorted(
            (k for k in self._rows.values() if k.organization_id == organization_id and k.active),
            key=lambda k: k.id,
        )
        return [k for k in found if not after or k.id > after][:limit]

    def touch(self, used: Mapping[str, int]) -> None:
        """Record when keys were last used (an older time never overwrites a newer)."""
        for key_id, used_at in used.items():
            key = self._rows.get(key_id)
            if key is not None and (key.last_used_at is None or key.last_used_at < used_at):
                self._rows[key_id] = replace(key, last_used_at=used_at)


class MemorySessions:
    """UI sessions by token hash."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> dict[str, Session]:
        return self._state.table("sessions", dict)

    def add(self, session: Session) -> None:
        """Insert a new session."""
        self._rows[session.token_hash] = session

    def find_active(self, token_hash: str, now: int) -> Session | None:
        """The session with this hash while it has not expired and its API key (if any) is not revoked."""
        session = self._rows.get(token_hash)
        if session is None or session.expires_at <= now:
            return None
        if session.key_id is not None:
            keys: dict[str, ApiKey] = self._state.table("api_keys", dict)
            key = keys.get(session.key_id)
            if key is None or not key.active:
                return None
        return session

    def delete(self, token_hash: str) -> None:
        """End one session."""
        self._rows.pop(token_hash, None)

    def delete_of_key(self, key_id: str) -> None:
        """End every session signed in with this API key."""
        for token_hash in [h for h, s in self._rows.items() if s.key_id == key_id]:
            del self._rows[token_hash]

    def delete_of_person(self, person_id: str, keep: str | None = None) -> None:
        """End a person's sessions, but `keep` (a token hash: the session that made the change)."""
        for token_hash in [h for h, s in self._rows.items() if s.person_id == person_id and h != keep]:
            del self._rows[token_hash]

    def delete_expired(self, now: int) -> None:
        """Forget sessions that expired."""
        for token_hash in [h for h, s in self._rows.items() if s.expires_at <= now]:
            del self._rows[token_hash]
