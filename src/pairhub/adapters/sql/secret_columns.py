"""The encrypted columns of subscriptions: signing secrets and custom header values, sealed at rest.

Values are encrypted on the way into a row and decrypted on the way out, so records (and the delivery
that reads them) hold plaintext while the database holds only ciphertext. Each value is bound to its
row and column: a value copied to another subscription or column no longer decrypts.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, RowMapping, select, update

from pairhub.adapters.secret_box import SecretBox
from pairhub.adapters.sql.tables import subscriptions

SECRET_COLUMNS = ("secret", "previous_secret", "auth_client_secret")


def secret_context(subscription_id: str, column: str) -> str:
    """What a signing secret is bound to: its subscription and its column."""
    return f"subscriptions.{column}:{subscription_id}"


def header_context(subscription_id: str, name: str) -> str:
    """What a custom header value is bound to: its subscription and its header name."""
    return f"subscriptions.custom_headers:{subscription_id}:{name.lower()}"


class SecretColumns:
    """Seals and opens the encrypted columns of subscriptions, remembering what it opened."""

    def __init__(self, box: SecretBox) -> None:
        self.box = box
        # Every delivery step reads every leased subscription: decrypt each stored value once.
        self._decrypt = functools.lru_cache(maxsize=16384)(box.decrypt)
        self._headers = functools.lru_cache(maxsize=4096)(self._open_headers)

    def seal_secret(self, subscription_id: str, column: str, value: str | None) -> str | None:
        """A signing secret as stored."""
        return None if value is None else self.box.encrypt(value, secret_context(subscription_id, column))

    def open_secret(self, subscription_id: str, column: str, stored: str) -> str:
        """A signing secret as the record holds it."""
        return self._decrypt(stored, secret_context(subscription_id, column))

    def seal_headers(self, subscription_id: str, headers: Mapping[str, str]) -> str:
        """Custom headers as stored: the names in clear, each value encrypted."""
        return json.dumps(
            {
                name: self.box.encrypt(value, header_context(subscription_id, name))
                for name, value in headers.items()
            }
        )

    def open_headers(self, subscription_id: str, stored: str) -> Mapping[str, str]:
        """Custom headers as the record holds them (read-only: records share them)."""
        return self._headers(subscription_id, stored)

    def _open_headers(self, subscription_id: str, stored: str) -> Mapping[str, str]:
        sealed: dict[str, str] = json.loads(stored)
        return MappingProxyType(
            {
                name: self._decrypt(value, header_context(subscription_id, name))
                for name, value in sealed.items()
            }
        )

    def reseal(
        self, row: RowMapping, *, plaintext: bool = False, secret_columns: tuple[str, ...] = SECRET_COLUMNS
    ) -> dict[str, Any] | None:
        """The encrypted columns of `row` under the current key, or None when they already are.

        `plaintext` reads the columns as they were before encryption at rest (the migration that
        introduced it); otherwise every value must decrypt, or SecretKeyError says which and why.
        """
        sub_id = row["id"]
        secrets = {column: row[column] for column in secret_columns}
        headers: dict[str, str] = json.loads(row["custom_headers"])
        if not plaintext:
            stored = [*(value for value in secrets.values() if value is not None), *headers.values()]
            current = all(self.box.is_current(value) for value in stored)
            secrets = {
                column: None if value is None else self.open_secret(sub_id, column, value)
                for column, value in secrets.items()
            }
            headers = dict(self.open_headers(sub_id, row["custom_headers"]))
            if current:
                return None
        return {
            **{column: self.seal_secret(sub_id, column, value) for column, value in secrets.items()},
            "custom_headers": self.seal_headers(sub_id, headers),
        }


def reseal_all(
    connection: Connection,
    columns: SecretColumns,
    *,
    plaintext: bool = False,
    secret_columns: tuple[str, ...] = SECRET_COLUMNS,
) -> int:
    """Re-encrypt every subscription's secrets under the current key; how many rows changed.

    Run at every start: it proves the configured keys open everything stored (a wrong key stops the
    start with one clear line) and moves values of an older key to the newest, so the older key can be
    dropped from the list after one start. Each row is written only if it is still as read, so a secret
    rotated meanwhile by another process is never overwritten with the old one. A migration names the
    `secret_columns` its schema has (later migrations add more).
    """
    s = subscriptions.c
    encrypted = (*secret_columns, "custom_headers")
    rows = connection.execute(select(s.id, *(s[name] for name in encrypted)).order_by(s.id))
    changed = 0
    for row in rows.mappings().all():
        values = columns.reseal(row, plaintext=plaintext, secret_columns=secret_columns)
        if values is None:
            continue
        unchanged = [s[name].is_not_distinct_from(row[name]) for name in encrypted]
        result = connection.execute(update(subscriptions).where(s.id == row["id"], *unchanged).values(values))
        changed += result.rowcount
    return changed
