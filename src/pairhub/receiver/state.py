"""Deduplication by `eventBatchId` and a current-pairings view built from events."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol

from .events import Batch, Event, PairedEvent, UnpairedEvent, parse_batch
from .signing import DEFAULT_TOLERANCE_S, verify


class DedupeStore(Protocol):
    """Remembers which batches were processed; back it with a database table in production."""

    def add(self, batch_id: str) -> bool:
        """Record `batch_id`; True when it was new, False when it had been seen before."""
        ...


class InMemoryDedupeStore:
    """A bounded, thread-safe in-memory store (enough for one process and a few days of batches)."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def add(self, batch_id: str) -> bool:
        """Record `batch_id`; True when it was new."""
        with self._lock:
            if batch_id in self._seen:
                return False
            self._seen[batch_id] = None
            if len(self._seen) > self._capacity:
                self._seen.popitem(last=False)
            return True


class PairingsView:
    """Which unit sits on which asset, from applied events; tolerant of late and repeated events."""

    def __init__(self) -> None:
        self.asset_of: dict[str, str] = {}
        self._last_change: dict[str, datetime] = {}

    def apply(self, events: Iterable[Event]) -> None:
        """Apply events in `registeredOn` order; an event older than the unit's last change is ignored."""
        for event in sorted(events, key=lambda e: e.registered_on):
            last = self._last_change.get(event.unit_id)
            if last is not None and event.registered_on < last:
                continue
            if isinstance(event, PairedEvent) and event.succeeded and event.asset_id:
                self.asset_of[event.unit_id] = event.asset_id
                self._last_change[event.unit_id] = event.registered_on
            elif isinstance(event, UnpairedEvent):
                self.asset_of.pop(event.unit_id, None)
                self._last_change[event.unit_id] = event.registered_on

    def units_on(self, asset_id: str) -> list[str]:
        """The units currently on an asset, sorted."""
        return sorted(unit for unit, asset in self.asset_of.items() if asset == asset_id)


class Receiver:
    """Verify, parse and deduplicate incoming batches in one call."""

    def __init__(
        self,
        secrets: str | Iterable[str],
        store: DedupeStore | None = None,
        tolerance_s: float = DEFAULT_TOLERANCE_S,
    ) -> None:
        self.secrets = [secrets] if isinstance(secrets, str) else list(secrets)
        self.store = store or InMemoryDedupeStore()
        self.tolerance_s = tolerance_s

    def receive(self, headers: Mapping[str, str], body: bytes) -> Batch | None:
        """The batch, or None when it was already processed; raises InvalidSignature when forged."""
        verify(self.secrets, headers, body, tolerance_s=self.tolerance_s)
        batch = parse_batch(body)
        if not self.store.add(batch.batch_id):
            return None
        return batch
