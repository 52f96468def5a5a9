"""Who is calling: the admin token, an organization API key, the ingest token, or a signed-in UI session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from pairhub.domain.access import ADMIN, INGEST, SCOPE_ROLES, ActorType, Principal, Role
from pairhub.domain.organizations import ApiKey, Session
from pairhub.domain.people import MemberRole, Person
from pairhub.ports import Clock, Storage
from pairhub.services.remembered_keys import RememberedKeys

API_KEY_PREFIX = "phk_"
SESSION_LIFETIME_S = 12 * 3600
"""A signed-in UI session lasts a working day, unless signed out or its ground goes first."""
USAGE_GRAIN_MS = 60_000
"""A key's `lastUsedAt` is kept to the minute: coarse enough to write in batches, fine enough to read."""

MEMBER_ROLES = {
    MemberRole.OWNER: Role.OWNER,
    MemberRole.OPERATOR: Role.OPERATOR,
    MemberRole.VIEWER: Role.VIEWER,
}


def hash_key(key: str) -> str:
    """The stored form of an API key or session token (256-bit random, so one SHA-256 round suffices)."""
    return hashlib.sha256(key.encode()).hexdigest()


def admin_fingerprint(admin_token: str) -> str:
    """What an admin session remembers of the token that opened it: rotating the token ends it."""
    return hashlib.sha256(b"pairhub admin token\x00" + admin_token.encode()).hexdigest()


def new_api_key() -> str:
    """A fresh organization API key."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def _same(candidate: str, expected: str | None) -> bool:
    return expected is not None and hmac.compare_digest(candidate.encode(), expected.encode())


def key_principal(key: ApiKey) -> Principal:
    """An API key as a caller: the role of its scope, in its own organization only."""
    return Principal(
        ActorType.API_KEY,
        actor_id=key.id,
        actor_name=key.name or key.prefix,
        roles={key.organization_id: SCOPE_ROLES[key.scope]},
        key_id=key.id,
    )


def person_principal(person: Person, roles: dict[str, MemberRole]) -> Principal:
    """A person as a caller: their role in each organization, the platform admin's everywhere."""
    return Principal(
        ActorType.PERSON,
        actor_id=person.id,
        actor_name=person.display_name or person.email,
        roles={org: MEMBER_ROLES[role] for org, role in roles.items()},
        instance_role=Role.PLATFORM_ADMIN if person.platform_admin else None,
        person_id=person.id,
    )


class KeyUsage:
    """When keys were last used, buffered in memory and written in batches off the request path."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._seen: dict[str, int] = {}
        self._written: dict[str, int] = {}

    def note(self, key_id: str, now_ms: int) -> None:
        """Remember a use (a dict write: the request does not wait for the database)."""
        minute = now_ms - now_ms % USAGE_GRAIN_MS
        if self._written.get(key_id) != minute:
            self._seen[key_id] = minute

    def flush(self) -> int:
        """Write the uses noted since the last flush in one statement; how many keys."""
        pending, self._seen = self._seen, {}
        if pending:
            with self._storage.write() as uow:
                uow.api_keys.touch(pending)
            self._written.update(pending)
        return len(pending)


class Authenticator:
    """Resolves bearer tokens to principals."""

    def __init__(self, storage: Storage, clock: Clock, admin_token: str, ingest_token: str | None) -> None:
        self._storage = storage
        self._clock = clock
        self._admin_token = admin_token
        self._ingest_token = ingest_token
        self.usage = KeyUsage(storage)
        self.keys = RememberedKeys()
        self.admin_fingerprint = admin_fingerprint(admin_token)

    def is_admin_token(self, token: str) -> bool:
        """True for the admin token."""
        return _same(token, self._admin_token)

    def authenticate(self, token: str) -> Principal | None:
        """The principal behind `token`, or None when it is unknown, revoked or expired."""
        if _same(token, self._admin_token):
            return ADMIN
        if _same(token, self._ingest_token):
            return INGEST
        if not token.startswith(API_KEY_PREFIX):
            return None
        hashed = hash_key(token)
        with self._storage.read() as uow:
            key = uow.api_keys.find_active(hashed)
        now = self._clock.now_ms()
        if key is None or not key.usable(now):
            self.keys.forget(hashed)
            return None
        self.keys.remember(key, now)
        self.usage.note(key.id, now)
        return key_principal(key)

    def recall(self, token: str) -> Principal | None:
        """The principal of an API key read lately, without reading it (the request's first unit of work
        confirms it: `remembered_keys`); None when the token must go through `authenticate`."""
        if not token.startswith(API_KEY_PREFIX):
            return None
        now = self._clock.now_ms()
        key = self.keys.recall(hash_key(token), now)
        if key is None:
            return None
        self.usage.note(key.id, now)
        return key_principal(key)


@dataclass(frozen=True)
class ActiveSession:
    """A UI session that still stands, with the caller it signs in."""

    session: Session
    principal: Principal


class Sessions:
    """UI sessions held on the server: the cookie carries a token; sign-out or a lost ground ends it."""

    def __init__(
        self, storage: Storage, clock: Clock, admin_token: str, lifetime_s: int = SESSION_LIFETIME_S
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._lifetime_ms = lifetime_s * 1000
        self._admin_fingerprint = admin_fingerprint(admin_token)

    def start_person(self, person_id: str) -> str:
        """A new session for a person; the token is returned once and stored hashed."""
        return self._start("person", person_id=person_id)

    def start_admin(self) -> str:
        """A new session opened with the admin token, bound to its fingerprint."""
        return self._start("admin", admin_fingerprint=self._admin_fingerprint)

    def _start(self, role: str, **ground: str) -> str:
        token = secrets.token_urlsafe(32)
        now = self._clock.now_ms()
        with self._storage.write() as uow:
            # Signing in is rare, so it is also when expired sessions are swept away.
            uow.sessions.delete_expired(now)
            uow.sessions.add(
                Session(
                    token_hash=hash_key(token),
                    role=role,
                    organization_id=None,
                    key_id=None,
                    created_at=now,
                    expires_at=now + self._lifetime_ms,
                    **ground,
                )
            )
        return token

    def active(self, token: str) -> ActiveSession | None:
        """The session and its caller while it stands: not expired, signed out, or without its ground."""
        with self._storage.read() as uow:
            session = uow.sessions.find_active(hash_key(token), self._clock.now_ms())
            if session is None:
                return None
            if session.role == "admin":
                if session.admin_fingerprint != self._admin_fingerprint:
                    return None  # the admin token was rotated since
                return ActiveSession(session, ADMIN)
            person = uow.people.get(session.person_id or "")
            if person is None:
                return None
            roles = {m.organization_id: m.role for m in uow.memberships.of_person(person.id)}
        return ActiveSession(session, person_principal(person, roles))

    def end(self, token: str) -> None:
        """Sign out: the token no longer opens a session, from any copy of the cookie."""
        with self._storage.write() as uow:
            uow.sessions.delete(hash_key(token))

    def end_all_of(self, person_id: str, keep_token: str | None = None) -> None:
        """Sign a person out everywhere (but the session `keep_token` names, when given)."""
        with self._storage.write() as uow:
            uow.sessions.delete_of_person(person_id, hash_key(keep_token) if keep_token else None)
