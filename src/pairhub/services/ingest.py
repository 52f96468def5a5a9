"""Unit messages: at most one query per request, auto-pairing attempts when due, activity in memory.

Units report every few seconds, so the steady state (messages of paired or already-attempted units)
must not write per message, and messages of units known to be paired (`PairedUnits`) need no query:
a parser hands them over in bare fields (`Report`), which fold straight into the buffer.
`lastSeenAt`, the last location and the last VIN are kept in an `ActivityBuffer` and written in one
executemany about every second (and on shutdown). A crash can therefore lose at most the last ~1 s of
that activity, never an event: every auto-pairing outcome and its event are committed in their own
transaction before the request is answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import structlog

from pairhub.domain.events import Location
from pairhub.domain.units import (
    Activity,
    MessageAction,
    Standing,
    changes_only_activity,
    decide_on_message,
)
from pairhub.domain.vin import ReportedVin
from pairhub.ports import Clock, Storage, StorageOutage, UnitOfWork
from pairhub.services.activity import ActivityBuffer, fold
from pairhub.services.auto_pairing import AutoPairing, MessageToAct
from pairhub.services.outage import Outage
from pairhub.services.paired_units import PairedUnits
from pairhub.services.unknown_units import UnknownUnitsBuffer

log = structlog.get_logger("pairhub.ingest")

MAX_MESSAGES = 1000
MAX_FUTURE_SKEW_MS = 5 * 60 * 1000
"""Device clocks drift; a timestamp further ahead than this is a broken clock, not a message."""
FLUSH_INTERVAL_SECONDS = 1.0
_FUTURE = "The timestamp is in the future."


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


Report = tuple[int, str, int | None, ReportedVin | None, float | None, float | None]
"""A message in bare fields: index, unit id, timestamp (None: at receipt), VIN, latitude, longitude.

What a parser hands over for the messages of `Ingest.steady_units`, which only fold into the activity
buffer: a request of a thousand of them builds no `UnitMessage` and no `Location`.
"""


def _report(message: UnitMessage) -> Report:
    location = message.location
    latitude, longitude = (None, None) if location is None else location
    return (message.index, message.unit_id, message.timestamp_ms, message.vin, latitude, longitude)


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

    def steady_units(self, unit_ids: Iterable[str]) -> set[str]:
        """The units among these whose messages change nothing but their activity, known without a query.

        A parser hands their messages to `accept` as `reports`, in bare fields.
        """
        return self.paired_units.paired(unit_ids)

    def accept(self, messages: Sequence[UnitMessage], reports: Sequence[Report] = ()) -> IngestResult:
        """Take well-formed messages, and `reports` of `steady_units`; unknown units and future timestamps
        are refused one by one.

        A unit's messages are all in `messages` or all in `reports`, each in arrival order.
        """
        now = self._clock.now_ms()
        latest = now + MAX_FUTURE_SKEW_MS
        steady = self.steady_units({message.unit_id for message in messages}) if messages else None
        if steady:
            reports = [*reports, *(_report(message) for message in messages if message.unit_id in steady)]
            messages = [message for message in messages if message.unit_id not in steady]
        rejected: list[Rejection] = []
        # The standings are read before anything is recorded: a storage outage then leaves nothing
        # pending of a request answered 503, as before; an outage while acting leaves it recorded.
        to_act: list[MessageToAct] = []
        accepted = self._take(messages, now, latest, rejected, to_act)
        accepted += self._fold(reports, now, latest, rejected)
        if to_act:
            self._act(to_act, now)
        rejected.sort(key=lambda rejection: rejection.index)
        return IngestResult(accepted, tuple(rejected))

    def _fold(self, reports: Sequence[Report], now: int, latest: int, rejected: list[Rejection]) -> int:
        """The steady state: each report folds into its unit's pending entry of bare fields (`fold`), no
        record built; returns how many were taken."""
        taken = len(reports)
        with self.buffer.folding() as pending:
            get = pending.get
            for index, unit_id, timestamp_ms, vin, latitude, longitude in reports:
                if timestamp_ms is None:
                    seen_at = now
                elif timestamp_ms > latest:
                    rejected.append(Rejection(index, "invalid_timestamp", _FUTURE))
                    taken -= 1
                    continue
                else:
                    seen_at = timestamp_ms
                earlier = get(unit_id)
                if earlier is None or (vin is not None and latitude is not None and seen_at >= earlier[0]):
                    # Nothing pending, or a later report of both VIN and location: what `fold` returns.
                    pending[unit_id] = (seen_at, vin, latitude, longitude)
                else:
                    pending[unit_id] = fold(earlier, seen_at, vin, latitude, longitude)
        return taken

    def _take(
        self,
        messages: Sequence[UnitMessage],
        now: int,
        latest: int,
        rejected: list[Rejection],
        to_act: list[MessageToAct],
    ) -> int:
        """Messages of units that may act: one query for their standings, their activity recorded, the
        messages that call for auto pairing added to `to_act`; returns how many were taken.

        The units the query finds paired go the steady way (`_fold`) from there.
        """
        timely: list[UnitMessage] = []
        for message in messages:
            if message.timestamp_ms is not None and message.timestamp_ms > latest:
                rejected.append(Rejection(message.index, "invalid_timestamp", _FUTURE))
            else:
                timely.append(message)
        known = self._standings({message.unit_id for message in timely})
        taken = 0
        acting: set[str] = set()
        steady: list[Report] = []
        for message in timely:
            unit_id = message.unit_id
            found = known.get(unit_id)
            if found is None:
                self.unknown.note(unit_id, now)
                rejected.append(
                    Rejection(message.index, "unknown_unit", f"Unit {unit_id} is not provisioned.")
                )
                continue
            unit, enabled = found
            if changes_only_activity(unit):
                steady.append(_report(message))
                continue
            taken += 1
            seen_at = now if message.timestamp_ms is None else message.timestamp_ms
            self.buffer.record(unit_id, Activity(seen_at, message.vin, message.location))
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
        return taken + self._fold(steady, now, latest, rejected)

    def _standings(self, unit_ids: set[str]) -> dict[str, tuple[Standing, bool]]:
        """The one query of a request: these units with their organization's switch (none: no query)."""
        if not unit_ids:
            return {}
        generation = self.paired_units.generation
        with self._storage.read() as uow:
            known = uow.units.with_switch(unit_ids)
        self.paired_units.remember(
            [unit_id for unit_id, (standing, _) in known.items() if changes_only_activity(standing)],
            generation,
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
