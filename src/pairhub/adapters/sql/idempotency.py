"""Idempotency keys on SQL: claimed with one INSERT ... ON CONFLICT DO NOTHING, so concurrent
requests under one key find exactly one winner on SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from pairhub.adapters.secret_box import SecretBox
from pairhub.adapters.sql.tables import idempotency_keys
from pairhub.domain.idempotency import StoredAnswer
from pairhub.ports import SecretKeyError


def _context(scope: str, key: str) -> str:
    # Bound to its key: an answer copied to another key's row no longer decrypts.
    return f"idempotency_keys.answer:{scope}:{key}"


class SqlIdempotencyKeys:
    """The idempotency_keys table; answers are encrypted at rest (one may carry a secret shown once)."""

    def __init__(self, connection: Connection, box: SecretBox) -> None:
        self._connection = connection
        self._box = box

    def _answer(self, row: RowMapping) -> StoredAnswer:
        answer = row["answer"]
        if answer is not None:
            try:
                answer = self._box.decrypt(answer, _context(row["scope"], row["key"]))
            except SecretKeyError:
                answer = None  # sealed under a key no longer configured: it cannot be given again
        return StoredAnswer(
            scope=row["scope"],
            key=row["key"],
            fingerprint=row["fingerprint"],
            created_at=row["created_at"],
            status=row["status"],
            answer=answer,
        )

    def reserve(self, answer: StoredAnswer) -> StoredAnswer | None:
        """Claim the key for a request; None when claimed, else the record already held for the key."""
        values = {
            "scope": answer.scope,
            "key": answer.key,
            "fingerprint": answer.fingerprint,
            "created_at": answer.created_at,
        }
        # On PostgreSQL a concurrent claim of the same key waits here for the first one's commit, then
        # inserts nothing; on SQLite the writer lock orders them. Either way one claim wins.
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        claim = dialect.insert(idempotency_keys).values(values).on_conflict_do_nothing()
        if self._connection.execute(claim.returning(idempotency_keys.c.created_at)).first() is not None:
            return None
        query = select(idempotency_keys).where(
            idempotency_keys.c.scope == answer.scope, idempotency_keys.c.key == answer.key
        )
        row = self._connection.execute(query).mappings().first()
        if row is None:
            # Released between the two statements (its request failed): claim it afresh.
            return self.reserve(answer)
        return self._answer(row)

    def complete(self, scope: str, key: str, status: int, answer: str) -> None:
        """Keep the answer given to the key's request."""
        self._connection.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)
            .values(status=status, answer=self._box.encrypt(answer, _context(scope, key)))
        )

    def release(self, scope: str, key: str, created_at: int) -> None:
        """Forget the key's record made at `created_at` (failed request, or expired record)."""
        self._connection.execute(
            delete(idempotency_keys).where(
                idempotency_keys.c.scope == scope,
                idempotency_keys.c.key == key,
                idempotency_keys.c.created_at == created_at,
            )
        )
