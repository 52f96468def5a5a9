"""What was taken already: the answers given to idempotency keys and the digests of MQTT messages."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from pairhub.domain.idempotency import StoredAnswer


class IdempotencyRepository(Protocol):
    """Idempotency keys and the answers given to them."""

    def reserve(self, answer: StoredAnswer) -> StoredAnswer | None:
        """Claim the key for a request; None when claimed, else the record already held for the key."""
        ...

    def complete(self, scope: str, key: str, status: int, answer: str) -> None:
        """Keep the answer given to the key's request."""
        ...

    def release(self, scope: str, key: str, created_at: int) -> None:
        """Forget the key's record made at `created_at` (failed request, or expired record)."""
        ...


class TakenMessageRepository(Protocol):
    """Digests of the MQTT messages taken, to recognize one the broker sends again."""

    def taken(self, digests: Collection[bytes]) -> set[bytes]:
        """Those of `digests` already taken."""
        ...

    def remember(self, digests: Collection[bytes], at_ms: int) -> None:
        """Note these messages as taken at `at_ms` (a digest taken before keeps its row)."""
        ...

    def keep_newest(self, count: int) -> int:
        """Forget all but the `count` newest digests (and those taken in the same millisecond as the
        last of them); how many were forgotten."""
        ...
