"""Organizations and their API keys."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace

from pairhub.domain.audit import AuditAction
from pairhub.domain.errors import Forbidden, Invalid, NotFound
from pairhub.domain.organizations import ApiKey, KeyScope, Organization
from pairhub.ports import Clock, Storage, UnitOfWork
from pairhub.services import audit
from pairhub.services.auth import hash_key, new_api_key
from pairhub.services.pagination import CursorKind, Cursors, Page

AutoPairingSwitchHook = Callable[[UnitOfWork, str, bool, int], None]
"""Called in the unit of work when auto pairing is switched: (uow, org id, enabled, now)."""


def require(uow: UnitOfWork, organization_id: str) -> Organization:
    """The organization, or organization_not_found."""
    organization = uow.organizations.get(organization_id)
    if organization is None:
        raise NotFound("organization_not_found", f"Organization {organization_id} does not exist.")
    return organization


def require_datahub(uow: UnitOfWork, organization_id: str) -> Organization:
    """The organization, when its Datahub subscription is active (webhooks and feeds need it)."""
    organization = require(uow, organization_id)
    if not organization.datahub_subscription_active:
        raise Forbidden(
            "datahub_subscription_inactive",
            "Webhook subscriptions and feeds need an active Datahub subscription for this organization.",
        )
    return organization


def _settings(organization: Organization) -> dict[str, object]:
    return {
        "name": organization.name,
        "autoPairingEnabled": organization.auto_pairing_enabled,
        "datahubSubscriptionActive": organization.datahub_subscription_active,
    }


class Organizations:
    """Use cases on organizations and API keys."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        cursors: Cursors,
        on_auto_pairing_switch: AutoPairingSwitchHook | None = None,
        on_key_revoked: Callable[[str], None] | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._cursors = cursors
        self._on_auto_pairing_switch = on_auto_pairing_switch
        self._on_key_revoked = on_key_revoked
        """Told the hash of a key once its revocation is committed (this process forgets it at once)."""

    def create(
        self, name: str, auto_pairing_enabled: bool, datahub_subscription_active: bool
    ) -> Organization:
        """Create an organization."""
        organization = Organization(
            str(uuid.uuid4()), name, auto_pairing_enabled, datahub_subscription_active, self._clock.now_ms()
        )
        with self._storage.write() as uow:
            uow.organizations.add(organization)
        return organization

    def get(self, organization_id: str) -> Organization:
        """One organization."""
        with self._storage.read() as uow:
            return require(uow, organization_id)

    def list(self, only_id: str | None, after: str | None, limit: int) -> Page[Organization]:
        """Organizations by id; `only_id` narrows the list to the caller's own."""
        with self._storage.read() as uow:
            last = self._cursors.decode_id(CursorKind.ORGANIZATIONS, "", after)
            found = uow.organizations.list(only_id, last, limit + 1)
        return self._cursors.paginate_by_id(
            CursorKind.ORGANIZATIONS, "", found, limit, lambda found: found.id
        )

    def update(
        self,
        organization_id: str,
        *,
        name: str | None = None,
        auto_pairing_enabled: bool | None = None,
        datahub_subscription_active: bool | None = None,
    ) -> Organization:
        """Change name, auto pairing or the Datahub subscription flag (None: unchanged)."""
        with self._storage.write() as uow:
            current = require(uow, organization_id)
            changed = replace(
                current,
                name=current.name if name is None else name,
                auto_pairing_enabled=(
                    current.auto_pairing_enabled if auto_pairing_enabled is None else auto_pairing_enabled
                ),
                datahub_subscription_active=(
                    current.datahub_subscription_active
                    if datahub_subscription_active is None
                    else datahub_subscription_active
                ),
            )
            if changed != current:
                uow.organizations.save(changed)
                audit.note(
                    uow,
                    self._clock.now_ms(),
                    organization_id,
                    AuditAction.ORGANIZATION_UPDATED,
                    ("organization", organization_id),
                    _settings(current),
                    _settings(changed),
                )
            if self._on_auto_pairing_switch and changed.auto_pairing_enabled != current.auto_pairing_enabled:
                # Units follow the switch in the same transaction: reminders stop with it.
                self._on_auto_pairing_switch(
                    uow, organization_id, changed.auto_pairing_enabled, self._clock.now_ms()
                )
            return changed

    def create_api_key(
        self,
        organization_id: str,
        *,
        name: str = "",
        scope: KeyScope = KeyScope.FULL,
        expires_at: int | None = None,
        created_by: str | None = None,
    ) -> tuple[ApiKey, str]:
        """A new key for the organization; the clear key is returned once and stored hashed."""
        clear = new_api_key()
        now = self._clock.now_ms()
        if expires_at is not None and expires_at <= now:
            raise Invalid("expiry_in_the_past", "A key's expiry must lie in the future.")
        key = ApiKey(
            str(uuid.uuid4()),
            organization_id,
            hash_key(clear),
            clear[:12],
            now,
            name=name,
            scope=scope,
            created_by=created_by,
            expires_at=expires_at,
        )
        with self._storage.write() as uow:
            require(uow, organization_id)
            uow.api_keys.add(key)
            audit.note(
                uow,
                now,
                organization_id,
                AuditAction.API_KEY_CREATED,
                ("apiKey", key.id),
                after={"name": name, "scope": scope.value, "prefix": key.prefix},
            )
        return key, clear

    def api_keys(self, organization_id: str, after: str | None, limit: int) -> Page[ApiKey]:
        """The organization's keys that are not revoked (expired ones too, marked by their expiry)."""
        with self._storage.read() as uow:
            require(uow, organization_id)
            last = self._cursors.decode_id(CursorKind.API_KEYS, organization_id, after)
            found = uow.api_keys.list(organization_id, last, limit + 1)
        return self._cursors.paginate_by_id(
            CursorKind.API_KEYS, organization_id, found, limit, lambda key: key.id
        )

    def revoke_api_key(self, organization_id: str, key_id: str) -> None:
        """Revoke a key; it stops working at once, and the UI sessions signed in with it end."""
        with self._storage.write() as uow:
            require(uow, organization_id)
            key = uow.api_keys.get(key_id)
            if key is None or key.organization_id != organization_id or not key.active:
                raise NotFound("api_key_not_found", f"API key {key_id} does not exist.")
            uow.api_keys.save(replace(key, revoked_at=self._clock.now_ms()))
            audit.note(
                uow,
                self._clock.now_ms(),
                organization_id,
                AuditAction.API_KEY_REVOKED,
                ("apiKey", key_id),
                {"name": key.name, "scope": key.scope.value},
            )
            uow.sessions.delete_of_key(key_id)
        if self._on_key_revoked is not None:
            self._on_key_revoked(key.key_hash)
