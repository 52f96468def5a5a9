"""Unknown units: ids whose messages ingest refused as not provisioned, for the operator to add.

Ingest notes each refusal in memory (`UnknownUnitsBuffer.note`, a dictionary update under a lock:
nothing is written while a request waits); the flush that writes unit activity about every second
writes them with one upsert. Both the buffer and the table are bounded: a flood of random ids costs
at most `limit` entries in each, and what did not fit is counted (`pairhub_unknown_units_dropped_total`).
"""

from __future__ import annotations

import threading

import structlog
from prometheus_client import Counter

from pairhub.domain.unknown_units import DEFAULT_LIMIT, UnknownUnit
from pairhub.ports import Storage, UnitOfWork
from pairhub.services.pagination import CursorKind, Cursors, Page

log = structlog.get_logger("pairhub.ingest")

DROPPED = Counter(
    "pairhub_unknown_units_dropped_total",
    "Unknown unit ids not kept: evicted from the table (least recently seen) or past the buffer's bound.",
    ["where"],
)
_EVICTED = DROPPED.labels("table")
_OVERFLOW = DROPPED.labels("buffer")


class UnknownUnitsBuffer:
    """Refusals of unknown units waiting for the next flush, at most `limit` ids."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._lock = threading.Lock()
        self._limit = limit
        self._pending: dict[str, UnknownUnit] = {}

    def note(self, unit_id: str, at: int) -> None:
        """One refused message of `unit_id`, received at `at`."""
        with self._lock:
            earlier = self._pending.get(unit_id)
            if earlier is not None:
                self._pending[unit_id] = UnknownUnit(unit_id, earlier.first_seen, at, earlier.messages + 1)
            elif len(self._pending) < self._limit:
                self._pending[unit_id] = UnknownUnit(unit_id, at, at, 1)
            else:
                _OVERFLOW.inc()

    def drain(self) -> list[UnknownUnit]:
        """Take everything pending."""
        with self._lock:
            taken, self._pending = self._pending, {}
        return list(taken.values())

    def restore(self, taken: list[UnknownUnit]) -> None:
        """Put back sightings whose write failed, merged with anything noted since."""
        with self._lock:
            for unit in taken:
                newer = self._pending.get(unit.unit_id)
                self._pending[unit.unit_id] = unit if newer is None else unit.then(newer)

    @property
    def limit(self) -> int:
        """The most ids kept, here and in the table."""
        return self._limit

    def flush(self, storage: Storage) -> int:
        """Write pending sightings in one upsert; returns how many ids were written. Never raises."""
        taken = self.drain()
        if not taken:
            return 0
        try:
            with storage.write() as uow:
                self.write(uow, taken)
        except Exception:
            self.restore(taken)
            log.exception("unknown_units_flush_failed", units=len(taken))
            return 0
        return len(taken)

    def write(self, uow: UnitOfWork, taken: list[UnknownUnit]) -> None:
        """Write drained sightings in `uow` (one upsert), counting the ids the table's bound evicts."""
        evicted = uow.unknown_units.note(taken, self._limit)
        if evicted:
            _EVICTED.inc(evicted)
            log.info("unknown_units_evicted", evicted=evicted, limit=self._limit)


class UnknownUnits:
    """Use case: the unknown units an administrator reads and adds."""

    def __init__(self, storage: Storage, cursors: Cursors) -> None:
        self._storage = storage
        self._cursors = cursors

    def list(self, after: str | None, limit: int) -> Page[UnknownUnit]:
        """Unknown units, most recently seen first; `after` is a cursor this list handed out."""
        # Not an organization's list: sealed for no organization, as the list of organizations is.
        last = self._cursors.decode_id(CursorKind.UNKNOWN_UNITS, "", after)
        with self._storage.read() as uow:
            found = uow.unknown_units.list(last, limit + 1)
        return self._cursors.paginate_by_id(
            CursorKind.UNKNOWN_UNITS, "", found, limit, lambda unit: unit.unit_id
        )
