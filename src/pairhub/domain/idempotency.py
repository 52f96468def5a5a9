"""Idempotency keys (Stripe's semantics): the first answer to a key is the answer to every retry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000
"""A key answers its first answer again for 24 hours; after that it is a new key."""
MAX_KEY_LENGTH = 255
"""Stripe's bound; UUIDs and random tokens fit with room to spare."""
KEY_PATTERN = r"^[\x20-\x7E]+$"
"""Printable ASCII: read alike by Python and by JSON Schema (the OpenAPI document publishes it)."""
_KEY = re.compile(KEY_PATTERN)


@dataclass(frozen=True)
class StoredAnswer:
    """A key's record: the request it was first used for and, once finished, the answer given."""

    scope: str
    """Whose key it is: the organization of an API key, or the admin or ingest token."""
    key: str
    fingerprint: str
    """A digest of the method, the path and the body of the first request."""
    created_at: int
    status: int | None = None
    """None while the first request is still running."""
    answer: str | None = None
    """The answer's headers and body as JSON (storage encrypts it: it may carry a secret shown once)."""


class Verdict(StrEnum):
    """What a request carrying an already used key gets."""

    REPLAY = "replay"
    """Same request, finished: its answer again."""
    REUSED = "reused"
    """Another request under the same key: refused."""
    IN_PROGRESS = "inProgress"
    """The same request is still running: try again shortly."""
    EXPIRED = "expired"
    """The record is older than the window: the key starts afresh."""


def is_valid_key(key: str) -> bool:
    """A key is 1 to 255 printable ASCII characters."""
    return len(key) <= MAX_KEY_LENGTH and _KEY.fullmatch(key) is not None


def judge(existing: StoredAnswer, fingerprint: str, now: int) -> Verdict:
    """What a request with `fingerprint` gets from the key's existing record."""
    if existing.created_at + IDEMPOTENCY_WINDOW_MS <= now:
        return Verdict.EXPIRED
    if existing.fingerprint != fingerprint:
        return Verdict.REUSED
    return Verdict.IN_PROGRESS if existing.status is None else Verdict.REPLAY
