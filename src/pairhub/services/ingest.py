"""Unit messages: one query per request, auto-pairing attempts when due, activity coalesced in memory.

Units report every few seconds, so the steady state (messages of paired or already-attempted units)
must not write per message. `lastSeenAt`, the last location and the last VIN are kept in an
`ActivityBuffer` and written in one executemany about every second (and on shutdown). A crash can
therefore lose at most the last ~1 s of that activity, never an event: every auto-pairing outcome
and its event are committed in their own transaction before the request is answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from sqlalchemy import Boolean, Float, String, bindparam, case, func, or_, update

from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.tables import units
from pairhub.domain.auto_pairing import MessageAction, ReportedVin, decide_on_message
from pairhub.domain.events import Location
from pairhub.ports import Clock
from pairhub.services.auto_pairing import AutoPairing, MessageToAct

log = structlog.get_logger("pairhub.ingest")

MAX_MESSAGES = 1000
MAX_FUTURE_SKEW_MS = 5 * 60 * 1000
"""Device clocks drift; a timestamp further ahead than this is a broken clock, not a message."""
FLUSH_INTERVAL_SECONDS = 1.0


@dataclass(frozen=True)
class UnitMessage:
    """One well-formed message; `vin` is None when the message carried no `vin` key at all."""

    index: int
    unit_id: str
    timestamp_ms: int | None = None
    vin: ReportedVin | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Rejection:
    """A message refused, by its index in the request, with a stable code."""

    index: int
    code: str
    detail: str


@dataclass(frozen=True)
class IngestResult:
    """How many messages were taken and which were refused."""

    accepted: int
    rejected: tuple[Rejection, ...]


@dataclass(frozen=True)
class Activity:
    """The newest activity of one unit not yet written: seen time, VIN and location when reported."""

    seen_at: int
    vin: ReportedVin | None = None
    location: Location | None = None

    def then(self, later: Activity) -> Activity:
        """This activity, then `later` (arrival order): newest values win, lastSeenAt never goes back."""
        return Activity(
            seen_at=max(self.seen_at, later.seen_at),
            vin=later.vin if later.vin is not None else self.vin,
            location=later.location if later.location is not None else self.location,
        )


class ActivityBuffer:
    """Per-unit activity waiting to be written, safe to share between request threads and the flusher."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, Activity] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def record(self, unit_id: str, activity: Activity) -> None:
        """Coalesce one message's activity into the unit's pending entry."""
        with self._lock:
            current = self._pending.get(unit_id)
            self._pending[unit_id] = activity if current is None else current.then(activity)

    def location_of(self, unit_id: str) -> Location | None:
        """The newest location pending for the unit, if any."""
        with self._lock:
            current = self._pending.get(unit_id)
            return None if current is None else current.location

    def drain(self) -> dict[str, Activity]:
        """Take everything pending."""
        with self._lock:
            taken, self._pending = self._pending, {}
            return taken

    def restore(self, taken: dict[str, Activity]) -> None:
        """Put back entries whose write failed, under anything recorded since."""
        with self._lock:
            for unit_id, older in taken.items():
                newer = self._pending.get(unit_id)
                self._pending[unit_id] = older if newer is None else older.then(newer)


# One statement for every pending unit; the bind names must differ from the column names.
_FLUSH = (
    update(units)
    .where(units.c.id == bindparam("b_unit_id"))
    .values(
        last_seen_at=case(
            (
                or_(units.c.last_seen_at.is_(None), units.c.last_seen_at < bindparam("b_seen_at")),
                bindparam("b_seen_at"),
            ),
            else_=units.c.last_seen_at,
        ),
        last_vin_raw=case(
            (bindparam("b_vin_given", type_=Boolean), bindparam("b_vin_raw", type_=String)),
            else_=units.c.last_vin_raw,
        ),
        last_vin=case(
            (bindparam("b_vin_given", type_=Boolean), bindparam("b_vin", type_=String)),
            else_=units.c.last_vin,
        ),
        last_latitude=func.coalesce(bindparam("b_latitude", type_=Float), units.c.last_latitude),
        last_longitude=func.coalesce(bindparam("b_longitude", type_=Float), units.c.last_longitude),
    )
)


def _flush_parameters(unit_id: str, activity: Activity) -> dict[str, Any]:
    return {
        "b_unit_id": unit_id,
        "b_seen_at": activity.seen_at,
        "b_vin_given": activity.vin is not None,
        "b_vin_raw": activity.vin.raw if activity.vin else None,
        "b_vin": activity.vin.normalized if activity.vin else None,
        "b_latitude": activity.location.latitude if activity.location else None,
        "b_longitude": activity.location.longitude if activity.location else None,
    }


class Ingest:
    """Use case: take a request of unit messages."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        auto_pairing: AutoPairing,
        buffer: ActivityBuffer | None = None,
    ) -> None:
        self._database = database
        self._clock = clock
        self._auto_pairing = auto_pairing
        self.buffer = buffer or ActivityBuffer()

    def accept(self, messages: Sequence[UnitMessage]) -> IngestResult:
        """Take well-formed messages; unknown units and future timestamps are refused one by one."""
        now = self._clock.now_ms()
        rejected: list[Rejection] = []
        timely: list[UnitMessage] = []
        for message in messages:
            if message.timestamp_ms is not None and message.timestamp_ms > now + MAX_FUTURE_SKEW_MS:
                rejected.append(
                    Rejection(message.index, "invalid_timestamp", "The timestamp is in the future.")
                )
            else:
                timely.append(message)
        # The one query of a steady-state request: every unit of the request with its organization.
        snapshots = self._auto_pairing.snapshots(message.unit_id for message in timely)
        accepted = 0
        to_act: list[UnitMessage] = []
        acting: set[str] = set()
        for message in timely:
            unit = snapshots.get(message.unit_id)
            if unit is None:
                rejected.append(
                    Rejection(message.index, "unknown_unit", f"Unit {message.unit_id} is not provisioned.")
                )
                continue
            accepted += 1
            self.buffer.record(
                message.unit_id,
                Activity(
                    now if message.timestamp_ms is None else message.timestamp_ms,
                    message.vin,
                    message.location,
                ),
            )
            vin = message.vin.normalized if message.vin else None
            # Once a unit acts in this request its later messages go along: the rules are re-checked
            # under its lock, in order, against the state the earlier messages left.
            if message.unit_id in acting or decide_on_message(unit, vin, now) is not MessageAction.NOTHING:
                acting.add(message.unit_id)
                to_act.append(message)
        if to_act:
            self._act(to_act, now)
        rejected.sort(key=lambda rejection: rejection.index)
        return IngestResult(accepted, tuple(rejected))

    def _act(self, messages: list[UnitMessage], now: int) -> None:
        batch = [
            MessageToAct(
                message.unit_id,
                message.vin,
                message.location or self.buffer.location_of(message.unit_id),
                message.timestamp_ms,
            )
            for message in messages
        ]
        try:
            self._auto_pairing.on_messages(batch, now)
        except Exception:
            # The messages are still taken: nothing was recorded for their VINs, so the units' next
            # messages attempt again.
            log.exception("auto_pairing_attempts_failed", units=len(batch))

    def flush(self) -> int:
        """Write pending activity in one executemany; returns how many units were written.

        A failed write is logged and retried on the next flush; it never raises.
        """
        taken = self.buffer.drain()
        if not taken:
            return 0
        # Sorted: processes flushing overlapping units lock rows in the same order (no deadlock).
        parameters = [_flush_parameters(unit_id, activity) for unit_id, activity in sorted(taken.items())]
        try:
            with self._database.write() as connection:
                connection.execute(_FLUSH, parameters)
        except Exception:
            self.buffer.restore(taken)
            log.exception("unit_activity_flush_failed", units=len(taken))
            return 0
        return len(taken)


class IngestHost(Protocol):
    """What the flush loop needs of the process's container."""

    ingest: Ingest


async def flush_loop(host: IngestHost, stopping: asyncio.Event) -> None:
    """Write buffered unit activity about every second, and once more when stopping."""
    ingest = host.ingest
    try:
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=FLUSH_INTERVAL_SECONDS)
            await asyncio.to_thread(ingest.flush)
    finally:
        # Also on cancellation: whatever is pending is written before the process goes.
        ingest.flush()
