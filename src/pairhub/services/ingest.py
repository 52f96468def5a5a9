"""Unit messages: at most one query per request, auto-pairing attempts when due, activity in memory.

Units report every few seconds, so the steady state (messages of paired or already-attempted units)
must not write per message, and messages of units known to be paired (`PairedUnits`) need no query.
`lastSeenAt`, the last location and the last VIN are kept in an `ActivityBuffer` and written in one
executemany about every second (and on shutdown). A crash can therefore lose at most the last ~1 s of
that activity, never an event: every auto-pairing outcome and its event are committed in their own
transaction before the request is answered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import structlog

from pairhub.domain.events import Location
from pairhub.domain.units import Activity, MessageAction, Standing, Unit, decide_on_message
from pairhub.domain.vin import ReportedVin
from pairhub.ports import Clock, Storage, StorageOutage, UnitOfWork
from pairhub.services.auto_pairing import AutoPairing, MessageToAct
from pairhub.services.outage import Outage
from pairhub.services.paired_units import PairedUnits
from pairhub.services.unknown_units import UnknownUnitsBuffer

log = structlog.get_logger("pairhub.ingest")

MAX_MESSAGES = 1000
MAX_FUTURE_SKEW_MS = 5 * 60 * 1000
"""Device clocks drift; a timestamp further ahead than this is a broken clock, not a message."""
FLUSH_INTERVAL_SECONDS = 1.0


class UnitMessage(NamedTuple):
    """One well-formed message; `vin` is None when the message carried no `vin` key at all."""

    # A named tuple rather than a frozen dataclass: a request builds a thousand, and a tuple is built
    # in a third of the time. Its `index` field hides `tuple.index`, which nothing here calls.

    index: int  # type: ignore[assignment]
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


Fields = tuple[int, ReportedVin | None, Location | None]
"""An activity's seen time, VIN and location, before an `Activity` is built of them."""


def fold(earlier: Fields | None, seen_at: int, vin: ReportedVin | None, location: Location | None) -> Fields:
    """`earlier`, then a later message's activity: exactly `Activity.then`, on bare fields."""
    if earlier is None:
        return (seen_at, vin, location)
    earlier_seen_at, earlier_vin, earlier_location = earlier
    return (
        earlier_seen_at if earlier_seen_at > seen_at else seen_at,  # max() costs a call more
        earlier_vin if vin is None else vin,
        earlier_location if location is None else location,
    )


def _held(fields: Fields, unit: Unit) -> bool:
    """True when the unit's row holds the activity `fields` (a flush of them would change nothing)."""
    seen_at, vin, location = fields
    return (
        (unit.last_seen_at or 0) >= seen_at
        and (vin is None or unit.last_vin_raw == vin.raw)
        and (location is None or unit.last_location == location)
    )


class ActivityBuffer:
    """Per-unit activity waiting to be written, safe to share between request threads and the flusher."""

    # Entries are bare fields, built into `Activity` records once a flush: a unit reporting several
    # times a second folds into its entry without two new records a message.

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, Fields] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def record(self, unit_id: str, activity: Activity) -> None:
        """Coalesce one message's activity into the unit's pending entry."""
        self.record_many({unit_id: (activity.seen_at, activity.vin, activity.location)})

    def record_many(self, folded: Mapping[str, Fields]) -> None:
        """Coalesce many units' activity (each already folded, `fold`) under one acquisition of the lock."""
        with self._lock:
            pending = self._pending
            get = pending.get
            for unit_id, fields in folded.items():
                earlier = get(unit_id)
                if earlier is None:
                    pending[unit_id] = fields
                    continue
                seen_at, vin, location = fields
                if vin is not None and location is not None and seen_at >= earlier[0]:
                    # A later report of both VIN and location: `fold` would return these fields.
                    pending[unit_id] = fields
                else:
                    pending[unit_id] = fold(earlier, seen_at, vin, location)

    def settle(self, written: Sequence[Unit]) -> None:
        """Drop the pending entries that the committed rows of these units (in write order) already hold.

        Auto pairing writes an acting message's activity with the unit's transition: writing it again
        at the next flush would update every unit of a depot coming online twice.
        """
        last = {unit.id: unit for unit in written}  # a unit that changed twice is stored as it ended
        with self._lock:
            pending = self._pending
            for unit in last.values():
                fields = pending.get(unit.id)
                if fields is not None and _held(fields, unit):
                    del pending[unit.id]

    def location_of(self, unit_id: str) -> Location | None:
        """The newest location pending for the unit, if any."""
        with self._lock:
            current = self._pending.get(unit_id)
            return None if current is None else current[2]

    def drain(self) -> dict[str, Activity]:
        """Take everything pending."""
        with self._lock:
            taken, self._pending = self._pending, {}
        return {unit_id: Activity(*fields) for unit_id, fields in taken.items()}

    def restore(self, taken: dict[str, Activity]) -> None:
        """Put back entries whose write failed, under anything recorded since."""
        with self._lock:
            for unit_id, older in taken.items():
                newer = self._pending.get(unit_id)
                earlier = (older.seen_at, older.vin, older.location)
                self._pending[unit_id] = earlier if newer is None else fold(earlier, *newer)


class Ingest:
    """Use case: take a request of unit messages."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        auto_pairing: AutoPairing,
        buffer: ActivityBuffer | None = None,
        paired_units: PairedUnits | None = None,
        unknown: UnknownUnitsBuffer | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._auto_pairing = auto_pairing
        self.buffer = ActivityBuffer() if buffer is None else buffer
        self.paired_units = PairedUnits(enabled=False) if paired_units is None else paired_units
        self.flush_outage = Outage("activity_flush")
        self.unknown = UnknownUnitsBuffer() if unknown is None else unknown

    def accept(self, messages: Sequence[UnitMessage]) -> IngestResult:
        """Take well-formed messages; unknown units and future timestamps are refused one by one."""
        now = self._clock.now_ms()
        latest = now + MAX_FUTURE_SKEW_MS
        rejected: list[Rejection] = []
        timely: list[UnitMessage] = []
        for message in messages:
            if message.timestamp_ms is not None and message.timestamp_ms > latest:
                rejected.append(
                    Rejection(message.index, "invalid_timestamp", "The timestamp is in the future.")
                )
            else:
                timely.append(message)
        wanted = {message.unit_id for message in timely}
        paired = self.paired_units.paired(wanted)
        known = self._standings(wanted - paired)
        accepted = 0
        to_act: list[MessageToAct] = []
        acting: set[str] = set()
        # The steady state: units known to be paired, whose messages change only their activity. Each
        # unit's messages fold into one entry of bare fields (`fold`); no activity record is built here.
        quiet: dict[str, Fields] = {}
        for message in timely:
            unit_id = message.unit_id
            seen_at = now if message.timestamp_ms is None else message.timestamp_ms
            if unit_id in paired:
                accepted += 1
                earlier = quiet.get(unit_id)  # `fold` inlined for a unit's first message: the common case
                if earlier is None:
                    quiet[unit_id] = (seen_at, message.vin, message.location)
                else:
                    quiet[unit_id] = fold(earlier, seen_at, message.vin, message.location)
                continue
            found = known.get(unit_id)
            if found is None:
                self.unknown.note(unit_id, now)
                rejected.append(
                    Rejection(message.index, "unknown_unit", f"Unit {unit_id} is not provisioned.")
                )
                continue
            accepted += 1
            self.buffer.record(unit_id, Activity(seen_at, message.vin, message.location))
            unit, enabled = found
            if unit_id in acting:
                # Once a unit acts in this request its later messages go along: they are decided under
                # its lock, in order, against the state the earlier messages left.
                to_act.append(self._to_act(message, seen_at, unit, enabled, None))
                continue
            normalized = message.vin.normalized if message.vin else None
            action = decide_on_message(unit, normalized, enabled, now)
            if action is not MessageAction.NOTHING:
                acting.add(unit_id)
                to_act.append(self._to_act(message, seen_at, unit, enabled, action))
        self.buffer.record_many(quiet)
        if to_act:
            self._act(to_act, now)
        rejected.sort(key=lambda rejection: rejection.index)
        return IngestResult(accepted, tuple(rejected))

    def _standings(self, unit_ids: set[str]) -> dict[str, tuple[Standing, bool]]:
        """The one query of a request: these units with their organization's switch (none: no query)."""
        if not unit_ids:
            return {}
        generation = self.paired_units.generation
        with self._storage.read() as uow:
            known = uow.units.with_switch(unit_ids)
        self.paired_units.remember(
            [unit_id for unit_id, (standing, _) in known.items() if standing.paired], generation
        )
        return known

    def _to_act(
        self, message: UnitMessage, seen_at: int, unit: Standing, enabled: bool, action: MessageAction | None
    ) -> MessageToAct:
        location = message.location or self.buffer.location_of(message.unit_id)
        return MessageToAct(message.unit_id, Activity(seen_at, message.vin, location), unit, enabled, action)

    def _act(self, messages: list[MessageToAct], now: int) -> None:
        try:
            self.buffer.settle(self._auto_pairing.on_messages(messages, now))
        except StorageOutage:
            raise  # nothing was taken: the caller hears 503 and sends the messages again
        except Exception:
            # The messages are still taken: nothing was recorded for their VINs, so the units' next
            # messages attempt again.
            log.exception("auto_pairing_attempts_failed", units=len(messages))

    def apart(self) -> Ingest:
        """An ingest like this one whose pending activity and unknown units are its own, never written by
        another's flush: for a taker that writes them with its own records (`commit_pending`)."""
        return Ingest(
            self._storage,
            self._clock,
            self._auto_pairing,
            paired_units=self.paired_units,
            unknown=UnknownUnitsBuffer(self.unknown.limit),
        )

    def commit_pending(self, along: Callable[[UnitOfWork], None]) -> None:
        """Write pending unknown units and activity in one transaction with what `along` writes.

        Raises when the write fails; what was pending is then forgotten (`forget_pending`), as the
        caller takes the messages it came of again.
        """
        unknown, activity = self.unknown.drain(), self.buffer.drain()
        with self._storage.write() as uow:
            if unknown:
                self.unknown.write(uow, unknown)
            if activity:
                uow.units.record_activity(activity)
            along(uow)

    def forget_pending(self) -> None:
        """Drop pending activity and unknown units: their messages were not taken and will come again."""
        self.unknown.drain()
        self.buffer.drain()

    def flush(self) -> int:
        """Write pending activity in one executemany; returns how many units were written.

        A failed write is logged and retried on the next flush; it never raises.
        """
        self.unknown.flush(self._storage)
        taken = self.buffer.drain()
        if not taken:
            return 0
        try:
            with self._storage.write() as uow:
                uow.units.record_activity(taken)
        except StorageOutage as error:
            self.buffer.restore(taken)
            self.flush_outage.failed(error)
            return 0
        except Exception:
            self.buffer.restore(taken)
            log.exception("unit_activity_flush_failed", units=len(taken))
            return 0
        self.flush_outage.succeeded()
        return len(taken)
