"""Who is calling: the admin token, an organization API key, or the ingest token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from pairhub.ports import Storage

API_KEY_PREFIX = "phk_"


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
    """The stored form of an API key (keys are 256-bit random, so one SHA-256 round suffices)."""
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

    def key_active(self, key_id: str, organization_id: str) -> bool:
        """True while the organization's API key `key_id` exists and is not revoked."""
        with self._storage.read() as uow:
            key = uow.api_keys.get(key_id)
        return key is not None and key.active and key.organization_id == organization_id
