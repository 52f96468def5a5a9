"""Organizations and their API keys."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from pairhub.adapters.db.engine import Database
from pairhub.adapters.db.tables import api_keys, organizations
from pairhub.domain.clock import Clock
from pairhub.domain.model import NotFound
from pairhub.services.auth import hash_key, new_api_key
from pairhub.services.pagination import Page, paginate

AutoPairingSwitchHook = Callable[[Connection, str, bool, int], None]
"""Called in the write transaction when auto pairing is switched: (connection, org id, enabled, now)."""


def _missing(organization_id: str) -> NotFound:
    return NotFound("organization_not_found", f"Organization {organization_id} does not exist.")


def load(connection: Connection, organization_id: str) -> RowMapping:
    """The organization row, or organization_not_found."""
    row = (
        connection.execute(select(organizations).where(organizations.c.id == organization_id))
        .mappings()
        .first()
    )
    if row is None:
        raise _missing(organization_id)
    return row


class Organizations:
    """Use cases on organizations and API keys."""

    def __init__(
        self, database: Database, clock: Clock, on_auto_pairing_switch: AutoPairingSwitchHook | None = None
    ) -> None:
        self._database = database
        self._clock = clock
        self._on_auto_pairing_switch = on_auto_pairing_switch

    def create(self, name: str, auto_pairing_enabled: bool, datahub_subscription_active: bool) -> RowMapping:
        """Create an organization."""
        values = {
            "id": str(uuid.uuid4()),
            "name": name,
            "auto_pairing_enabled": auto_pairing_enabled,
            "datahub_subscription_active": datahub_subscription_active,
            "created_at": self._clock.now_ms(),
        }
        with self._database.write() as connection:
            connection.execute(insert(organizations), values)
            return load(connection, str(values["id"]))

    def get(self, organization_id: str) -> RowMapping:
        """One organization."""
        with self._database.read() as connection:
            return load(connection, organization_id)

    def list(self, only_id: str | None, after: str | None, limit: int) -> Page[RowMapping]:
        """Organizations by id; `only_id` narrows the list to the caller's own."""
        query = select(organizations).order_by(organizations.c.id).limit(limit + 1)
        if only_id is not None:
            query = query.where(organizations.c.id == only_id)
        if after:
            query = query.where(organizations.c.id > after)
        with self._database.read() as connection:
            rows = list(connection.execute(query).mappings())
        return paginate(rows, limit, lambda row: str(row["id"]))

    def update(self, organization_id: str, changes: dict[str, Any]) -> RowMapping:
        """Change name, auto pairing or the Datahub subscription flag."""
        with self._database.write() as connection:
            current = load(connection, organization_id)
            if changes:
                connection.execute(
                    update(organizations).where(organizations.c.id == organization_id).values(**changes)
                )
            enabled = changes.get("auto_pairing_enabled", current["auto_pairing_enabled"])
            if self._on_auto_pairing_switch and bool(enabled) != bool(current["auto_pairing_enabled"]):
                # Units follow the switch in the same transaction: reminders stop with it.
                self._on_auto_pairing_switch(connection, organization_id, bool(enabled), self._clock.now_ms())
            return load(connection, organization_id)

    def create_api_key(self, organization_id: str) -> tuple[RowMapping, str]:
        """A new key for the organization; the clear key is returned once and stored hashed."""
        key = new_api_key()
        values = {
            "id": str(uuid.uuid4()),
            "organization_id": organization_id,
            "key_hash": hash_key(key),
            "prefix": key[:12],
            "created_at": self._clock.now_ms(),
        }
        with self._database.write() as connection:
            load(connection, organization_id)
            connection.execute(insert(api_keys), values)
            row = connection.execute(select(api_keys).where(api_keys.c.id == values["id"]))
            return row.mappings().one(), key

    def revoke_api_key(self, organization_id: str, key_id: str) -> None:
        """Revoke a key; it stops working at once."""
        with self._database.write() as connection:
            load(connection, organization_id)
            result = connection.execute(
                update(api_keys)
                .where(
                    api_keys.c.id == key_id,
                    api_keys.c.organization_id == organization_id,
                    api_keys.c.revoked_at.is_(None),
                )
                .values(revoked_at=self._clock.now_ms())
            )
            if result.rowcount == 0:
                raise NotFound("api_key_not_found", f"API key {key_id} does not exist.")
