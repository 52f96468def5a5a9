"""Who is calling: the admin token, an organization API key, the ingest token, or a signed-in UI session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from pairhub.domain.organizations import Session
from pairhub.ports import Clock, Storage

API_KEY_PREFIX = "phk_"
SESSION_LIFETIME_S = 12 * 3600
"""A signed-in UI session lasts a working day, unless signed out or its key is revoked first."""


class Role(StrEnum):
    """What a token may do."""

    ADMIN = "admin"
    ORGANIZATION = "organization"
    INGEST = "ingest"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller; `organization_id` is set for organization keys only."""

    role: Role
    organization_id: str | None = None
    key_id: str | None = None

    @property
    def is_admin(self) -> bool:
        """True for the admin token."""
        return self.role is Role.ADMIN

    def may_access(self, organization_id: str) -> bool:
        """True when this caller may touch `organization_id`'s data."""
        return self.is_admin or (self.role is Role.ORGANIZATION and self.organization_id == organization_id)


def hash_key(key: str) -> str:
    """The stored form of an API key or session token (256-bit random, so one SHA-256 round suffices)."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_api_key() -> str:
    """A fresh organization API key."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def _same(candidate: str, expected: str | None) -> bool:
    return expected is not None and hmac.compare_digest(candidate.encode(), expected.encode())


class Authenticator:
    """Resolves bearer tokens to principals."""

    def __init__(self, storage: Storage, admin_token: str, ingest_token: str | None) -> None:
        self._storage = storage
        self._admin_token = admin_token
        self._ingest_token = ingest_token

    def authenticate(self, token: str) -> Principal | None:
        """The principal behind `token`, or None when it is unknown or revoked."""
        if _same(token, self._admin_token):
            return Principal(Role.ADMIN)
        if _same(token, self._ingest_token):
            return Principal(Role.INGEST)
        if not token.startswith(API_KEY_PREFIX):
            return None
        with self._storage.read() as uow:
            key = uow.api_keys.find_active(hash_key(token))
        if key is None:
            return None
        return Principal(Role.ORGANIZATION, organization_id=key.organization_id, key_id=key.id)


class Sessions:
    """UI sessions held on the server: the cookie carries a token; signing out or revoking ends it."""

    def __init__(self, storage: Storage, clock: Clock, lifetime_s: int = SESSION_LIFETIME_S) -> None:
        self._storage = storage
        self._clock = clock
        self._lifetime_ms = lifetime_s * 1000

    def start(self, principal: Principal) -> str:
        """A new session for `principal`; the token is returned once and stored hashed."""
        token = secrets.token_urlsafe(32)
        now = self._clock.now_ms()
        with self._storage.write() as uow:
            # Signing in is rare, so it is also when expired sessions are swept away.
            uow.sessions.delete_expired(now)
            uow.sessions.add(
                Session(
                    token_hash=hash_key(token),
                    role=principal.role.value,
                    organization_id=principal.organization_id,
                    key_id=principal.key_id,
                    created_at=now,
                    expires_at=now + self._lifetime_ms,
                )
            )
        return token

    def active(self, token: str) -> bool:
        """True while the session has not expired, been signed out, or lost its API key."""
        with self._storage.read() as uow:
            return uow.sessions.find_active(hash_key(token), self._clock.now_ms()) is not None

    def end(self, token: str) -> None:
        """Sign out: the token no longer opens a session, from any copy of the cookie."""
        with self._storage.write() as uow:
            uow.sessions.delete(hash_key(token))
