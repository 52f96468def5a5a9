"""MQTT messages taken, remembered by digest so that one the broker sends again has no second effect.

A broker resends a QoS 1 message it had sent but whose acknowledgement it did not get (its DUP flag is
then set): after pairhub died between its commit and its acknowledgement, or after the broker restarted
before it saw the acknowledgement. Such a message was perhaps applied already; its digest (of topic and
payload) says whether. Only messages flagged DUP are looked up, so that a unit publishing the same
payload twice on purpose is taken twice. Only the newest digests are kept: a resent message is one of
the few that were in flight (the subscriber's receive maximum), never an old one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

from pairhub.ports import Clock, Storage, UnitOfWork

KEEP = 100_000
"""Digests kept: far more than can be in flight, so that a resent message is always recognized."""
PRUNE_EVERY = 100
"""Batches between two prunings of the oldest digests."""


def digest_of(topic: str, payload: bytes) -> bytes:
    """The 16-byte identity of a message: its topic and payload."""
    return hashlib.blake2b(topic.encode() + b"\0" + payload, digest_size=16).digest()


class TakenMessages:
    """Use case: which resent messages were taken already, and noting the ones just taken."""

    def __init__(self, storage: Storage, clock: Clock, keep: int = KEEP) -> None:
        self._storage = storage
        self._clock = clock
        self._keep = keep
        self._batches = 0

    def taken(self, digests: Collection[bytes]) -> set[bytes]:
        """Those of `digests` already taken (no query when there are none)."""
        if not digests:
            return set()
        with self._storage.read() as uow:
            return uow.taken_messages.taken(digests)

    def remember(self, digests: Collection[bytes]) -> None:
        """Note messages as taken, now, in a transaction of their own (`note`)."""
        if digests:
            with self._storage.write() as uow:
                self.note(uow, digests)

    def note(self, uow: UnitOfWork, digests: Collection[bytes]) -> None:
        """Note messages as taken, now, in `uow` (with what they caused); every `PRUNE_EVERY` calls,
        forget the oldest beyond `keep`."""
        if not digests:
            return
        self._batches += 1
        uow.taken_messages.remember(digests, self._clock.now_ms())
        if self._batches % PRUNE_EVERY == 0:
            uow.taken_messages.keep_newest(self._keep)
