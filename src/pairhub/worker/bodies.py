"""The bodies of the batches a worker sends, kept for their retries within a memory budget."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

BUDGET_BYTES = 32 * 1024 * 1024
"""At most this much body text is kept; the least recently sent goes first."""


class Bodies:
    """Frozen batch bodies by batch id: a retry sends the same bytes without rebuilding them.

    A batch's id and bytes never change, so a kept body is never stale; a batch that is finished is
    forgotten. Used by one step at a time (steps never overlap), so it needs no lock.
    """

    def __init__(self, budget_bytes: int = BUDGET_BYTES) -> None:
        self._budget = budget_bytes
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0

    def get(self, batch_id: str) -> bytes | None:
        """The body of a batch sent before, or None."""
        body = self._kept.get(batch_id)
        if body is not None:
            self._kept.move_to_end(batch_id)
        return body

    def keep(self, batch_id: str, body: bytes) -> None:
        """Remember the body of a batch about to be sent."""
        if batch_id in self._kept or len(body) > self._budget:
            return
        self._kept[batch_id] = body
        self._size += len(body)
        while self._size > self._budget:
            _, dropped = self._kept.popitem(last=False)
            self._size -= len(dropped)

    def forget(self, batch_ids: Iterable[str]) -> None:
        """Drop the bodies of batches that will not be sent again by this worker."""
        for batch_id in batch_ids:
            body = self._kept.pop(batch_id, None)
            if body is not None:
                self._size -= len(body)
