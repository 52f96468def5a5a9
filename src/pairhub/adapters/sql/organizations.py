"""Organizations, API keys and UI sessions on SQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict

from sqlalchemy import Connection, RowMapping, bindparam, delete, exists, insert, or_, select, update

from pairhub.adapters.sql.tables import api_keys, organizations, ui_sessions
from pairhub.domain.organizations import ApiKey, KeyScope, Organization, Session

# Built once: every API request authenticates with its key.
_ACTIVE_KEY = select(api_keys).where(
    api_keys.c.key_hash == bindparam("key_hash"), api_keys.c.revoked_at.is_(None)
)


def _organization(row: RowMapping) -> Organization:
    return Organization(
        id=row["id"],
        name=row["name"],
        auto_pairing_enabled=bool(row["auto_pairing_enabled"]),
        datahub_subscription_active=bool(row["datahub_subscription_active"]),
        created_at=row["created_at"],
    )


def _key(row: RowMapping) -> ApiKey:
    return ApiKey(**{**row, "scope": KeyScope(row["scope"])})


_TOUCH = (
    update(api_keys)
    .where(api_keys.c.id == bindparam("key_id"))
    .where(or_(api_keys.c.last_used_at.is_(None), api_keys.c.last_used_at < bindparam("used_at")))
    .values(last_used_at=bindparam("used_at"))
)


class SqlOrganizations:
    """The organizations table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, organization: Organization) -> None:
        """Insert a new organization."""
        self._connection.execute(insert(organizations), asdict(organization))

    def get(self, organization_id: str) -> Organization | None:
        """One organization, or None."""
        query = select(organizations).where(organizations.c.id == organization_id)
        row = self._connection.execute(query).mappings().first()
        return None if row is None else _organization(row)

    def save(self, organization: Organization) -> None:
        """Write back a changed organization."""
        values = asdict(organization)
        self._connection.execute(
            update(organizations).where(organizations.c.id == values.pop("id")).values(**values)
        )

    def list(self, only_id: str | None, after: str | None, limit: int) -> list[Organization]:
        """Organizations by id after `after`; `only_id` narrows the list to one."""
        query = select(organizations).order_by(organizations.c.id).limit(limit)
        if only_id is not None:
            query = query.where(organizations.c.id == only_id)
        if after:
            query = query.where(organizations.c.id > after)
        return [_organization(row) for row in self._connection.execute(query).mappings()]


class SqlApiKeys:
    """The api_keys table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, key: ApiKey) -> None:
        """Insert a new key."""
        self._connection.execute(insert(api_keys), asdict(key))

    def get(self, key_id: str) -> ApiKey | None:
        """One key by id, or None."""
        row = self._connection.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
        return None if row is None else _key(row)

    def find_active(self, key_hash: str) -> ApiKey | None:
        """The unrevoked key with this hash, or None."""
        row = self._connection.execute(_ACTIVE_KEY, {"key_hash": key_hash}).mappings().first()
        return None if row is None else _key(row)

    def save(self, key: ApiKey) -> None:
        """Write back a changed key (its revocation)."""
        self._connection.execute(
            update(api_keys).where(api_keys.c.id == key.id).values(revoked_at=key.revoked_at)
        )

    def list(self, organization_id: str, after: str | None, limit: int) -> list[ApiKey]:
        """The organization's unrevoked keys by id after `after`."""
        k = api_keys.c
        query = (
            select(api_keys)
            .where(k.organization_id == organization_id, k.revoked_at.is_(None))
            .order_by(k.id)
            .limit(limit)
        )
        if after:
            query = query.where(k.id > after)
        return [_key(row) for row in self._connection.execute(query).mappings()]

    def touch(self, used: Mapping[str, int]) -> None:
        """Record when keys were last used (one executemany; an older time never overwrites a newer)."""
        if used:
            self._connection.execute(_TOUCH, [{"key_id": k, "used_at": t} for k, t in used.items()])


class SqlSessions:
    """The ui_sessions table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, session: Session) -> None:
        """Insert a new session."""
        self._connection.execute(insert(ui_sessions), asdict(session))

    def find_active(self, token_hash: str, now: int) -> Session | None:
        """The session with this hash while it has not expired and its API key (if any) is not revoked."""
        s = ui_sessions.c
        key_active = exists().where(api_keys.c.id == s.key_id, api_keys.c.revoked_at.is_(None))
        query = select(ui_sessions).where(
            s.token_hash == token_hash, s.expires_at > now, or_(s.key_id.is_(None), key_active)
        )
        row = self._connection.execute(query).mappings().first()
        return None if row is None else Session(**row)

    def delete(self, token_hash: str) -> None:
        """End one session."""
        self._connection.execute(delete(ui_sessions).where(ui_sessions.c.token_hash == token_hash))

    def delete_of_key(self, key_id: str) -> None:
        """End every session signed in with this API key."""
        self._connection.execute(delete(ui_sessions).where(ui_sessions.c.key_id == key_id))

    def delete_of_person(self, person_id: str, keep: str | None = None) -> None:
        """End a person's sessions, but `keep` (a token hash: the session that made the change)."""
        query = delete(ui_sessions).where(ui_sessions.c.person_id == person_id)
        if keep is not None:
            query = query.where(ui_sessions.c.token_hash != keep)
        self._connection.execute(query)

    def delete_expired(self, now: int) -> None:
        """Forget sessions that expired."""
        self._connection.execute(delete(ui_sessions).where(ui_sessions.c.expires_at <= now))
