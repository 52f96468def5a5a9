"""API keys read recently are taken from memory; the request's own units of work confirm them.

Reading the key in a transaction of its own, on a thread of its own, before the request's work cost a
manual pairing about a tenth of its time. A key read within REMEMBER_MS is now taken from memory, so
the caller is decided without a read; the first unit of work the request opens then reads the key
again, in that same transaction, before anything else, and refuses it (401, nothing read or written)
when it was revoked meanwhile, in this process or another. A key revoked here is forgotten at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from pairhub.domain.errors import Unauthenticated
from pairhub.domain.organizations import ApiKey
from pairhub.ports import Storage, UnitOfWork

REMEMBER_MS = 60_000
"""How long a key read from the storage is taken from memory before it is read in full again."""
REMEMBERED_KEYS = 10_000
"""Keys kept at most; past that the memory starts afresh (each key is then read once more)."""
REFUSED = "The token is unknown, expired or has been revoked."


@dataclass
class _Unconfirmed:
    """The remembered key of one request, until one of its units of work has read it again.

    Mutable, and shared by the copies of the request's context (each thread hop copies it), so that
    once one unit of work confirmed the key, the others do not read it again.
    """

    key: ApiKey
    confirmed: bool = False


_UNCONFIRMED: ContextVar[_Unconfirmed | None] = ContextVar("pairhub_unconfirmed_key", default=None)


class RememberedKeys:
    """The keys of this process's recent callers, by hash, with when each was read."""

    def __init__(self) -> None:
        self._keys: dict[str, tuple[ApiKey, int]] = {}
        self._lock = threading.Lock()

    def remember(self, key: ApiKey, now: int) -> None:
        """Keep a key just read from the storage."""
        with self._lock:
            if len(self._keys) >= REMEMBERED_KEYS:
                self._keys.clear()
            self._keys[key.key_hash] = (key, now)

    def recall(self, key_hash: str, now: int) -> ApiKey | None:
        """The usable key with this hash read within REMEMBER_MS, to be confirmed by the request's first
        unit of work; None when it must be read in full."""
        found = self._keys.get(key_hash)
        if found is None or now - found[1] >= REMEMBER_MS or not found[0].usable(now):
            return None
        _UNCONFIRMED.set(_Unconfirmed(found[0]))
        return found[0]

    def forget(self, key_hash: str) -> None:
        """Drop a key (revoked, or found revoked)."""
        with self._lock:
            self._keys.pop(key_hash, None)

    def confirm(self, uow: UnitOfWork) -> None:
        """Read the request's remembered key again in this unit of work; Unauthenticated when it no longer
        holds (nothing else of the unit of work has run yet)."""
        pending = _UNCONFIRMED.get()
        if pending is None or pending.confirmed:
            return
        if uow.api_keys.find_active(pending.key.key_hash) is None:
            self.forget(pending.key.key_hash)
            raise Unauthenticated("unauthorized", REFUSED)
        pending.confirmed = True


class ConfirmingStorage:
    """The storage, whose units of work first confirm the caller's remembered key (see above)."""

    def __init__(self, storage: Storage, confirm: Callable[[UnitOfWork], None]) -> None:
        self._storage = storage
        self._confirm = confirm

    def write(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work committed on success and rolled back on error."""
        return self._confirmed(self._storage.write())

    def read(self) -> AbstractContextManager[UnitOfWork]:
        """A read-only unit of work."""
        return self._confirmed(self._storage.read())

    @contextmanager
    def _confirmed(self, opened: AbstractContextManager[UnitOfWork]) -> Iterator[UnitOfWork]:
        with opened as uow:
            self._confirm(uow)
            yield uow

    def on_outbox_commit(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every commit that recorded events."""
        self._storage.on_outbox_commit(listener)

    def ping(self) -> None:
        """Raise unless the storage answers."""
        self._storage.ping()

    def close(self) -> None:
        """Release connections."""
        self._storage.close()
