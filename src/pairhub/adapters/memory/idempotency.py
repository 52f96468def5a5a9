"""Idempotency keys in memory."""

from __future__ import annotations

from dataclasses import replace

from pairhub.adapters.memory.state import MemoryState
from pairhub.domain.idempotency import StoredAnswer


class MemoryIdempotencyKeys:
    """Idempotency keys by (scope, key)."""

    def __init__(self, state: MemoryState) -> None:
        self._rows: dict[tuple[str, str], StoredAnswer] = state.table("idempotency_keys", dict)

    def reserve(self, answer: StoredAnswer) -> StoredAnswer | None:
        """Claim the key for a request; None when claimed, else the record already held for the key."""
        held = self._rows.get((answer.scope, answer.key))
        if held is None:
            self._rows[(answer.scope, answer.key)] = answer
        return held

    def complete(self, scope: str, key: str, status: int, answer: str) -> None:
        """Keep the answer given to the key's request."""
        held = self._rows.get((scope, key))
        if held is not None:
            self._rows[(scope, key)] = replace(held, status=status, answer=answer)

    def release(self, scope: str, key: str, created_at: int) -> None:
        """Forget the key's record made at `created_at` (failed request, or expired record)."""
        held = self._rows.get((scope, key))
        if held is not None and held.created_at == created_at:
            del self._rows[(scope, key)]
