"""Auto pairing: attempts on unit messages, NotFound reminders, re-matches when assets change."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from sqlalchemy import Connection, RowMapping, bindparam, select, update

from pairhub.adapters.sql import events as outbox
from pairhub.adapters.sql import matching
from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.tables import assets, organizations, units
from pairhub.domain import events
from pairhub.domain.auto_pairing import (
    WAITING_STATES,
    MessageAction,
    ReportedVin,
    UnitSnapshot,
    attempt_vin,
    decide_on_message,
    rematch_is_news,
)
from pairhub.domain.events import Location, PairingEvent, Reason
from pairhub.domain.model import AutoPairingState
from pairhub.domain.reminders import ReminderPolicy, decide_due, first_reminder_at
from pairhub.domain.vin import MatchKind, MatchResult, is_usable_sensor_vin
from pairhub.ports import Clock, UnitOfWork
from pairhub.services.pairing import NewPairing, open_pairings

Matcher = Callable[[Connection, str, str], MatchResult]
"""Resolves (connection, organization id, usable sensor VIN) against the organization's assets."""

Outcome = Callable[[MatchResult], PairingEvent | None]

log = structlog.get_logger("pairhub.auto_pairing")

# A unit whose schedule ends: no first failure, no next reminder.
_NO_SCHEDULE: dict[str, Any] = {"ap_first_failed_at": None, "ap_next_reminder_at": None}
DEFAULT_BATCH_SIZE = 100


@dataclass(frozen=True)
class AutoPairingPolicy:
    """The timing knobs of auto pairing, in milliseconds."""

    reminders: ReminderPolicy
    unknown_retry_after_ms: int

    @classmethod
    def from_seconds(
        cls, reminder_interval: float, reminder_window: float, unknown_retry_after: float
    ) -> AutoPairingPolicy:
        """A policy from the settings' seconds."""
        return cls(
            ReminderPolicy.from_seconds(reminder_interval, reminder_window),
            max(0, round(unknown_retry_after * 1000)),
        )

    @property
    def poll_interval_seconds(self) -> float:
        """How often the scheduler looks for due reminders: at most 1 s, finer for compressed demos."""
        return min(1.0, self.reminders.interval_ms / 4000)


def _snapshot(row: RowMapping, organization_enabled: bool) -> UnitSnapshot:
    return UnitSnapshot(
        unit_id=row["id"],
        organization_id=row["organization_id"],
        paired=row["asset_id"] is not None,
        state=AutoPairingState(row["ap_state"]),
        attempted_vin=row["ap_vin"],
        retry_after=row["ap_retry_after"],
        organization_enabled=bool(organization_enabled),
    )


def _last_location(row: RowMapping) -> Location | None:
    if row["last_latitude"] is None or row["last_longitude"] is None:
        return None
    return Location(row["last_latitude"], row["last_longitude"])


def _activity(
    row: RowMapping, reported: ReportedVin | None, location: Location | None, seen_at: int
) -> dict[str, Any]:
    values: dict[str, Any] = {"last_seen_at": max(row["last_seen_at"] or 0, seen_at)}
    if reported is not None:
        values.update(last_vin_raw=reported.raw, last_vin=reported.normalized)
    if location is not None:
        values.update(last_latitude=location.latitude, last_longitude=location.longitude)
    return values


def _set(connection: Connection, unit_id: str, **values: Any) -> None:
    connection.execute(update(units).where(units.c.id == unit_id).values(**values))


def _settle(
    connection: Connection,
    unit_id: str,
    state: AutoPairingState,
    vin: str,
    sensor_vin: str | None,
    **extra: Any,
) -> None:
    """Record an unpaired outcome for `vin`: no candidates, retry or schedule unless `extra` says so."""
    values: dict[str, Any] = {"ap_candidates": None, "ap_retry_after": None, **_NO_SCHEDULE, **extra}
    _set(connection, unit_id, ap_state=state.value, ap_vin=vin, ap_sensor_vin=sensor_vin, **values)


def _organizations_enabled(connection: Connection, organization_ids: Collection[str]) -> dict[str, bool]:
    # Read after the unit rows are locked: on PostgreSQL this statement's snapshot then sees a
    # concurrent switch-off that committed while we waited for the lock.
    query = select(organizations.c.id, organizations.c.auto_pairing_enabled).where(
        organizations.c.id.in_(sorted(organization_ids))
    )
    return {row.id: bool(row.auto_pairing_enabled) for row in connection.execute(query)}


@dataclass(frozen=True)
class MessageToAct:
    """A unit message that may need an auto-pairing attempt."""

    unit_id: str
    reported: ReportedVin | None
    location: Location | None
    seen_at: int | None = None


class AutoPairing:
    """Use cases of auto pairing; every outcome commits its state change and its event together."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        policy: AutoPairingPolicy,
        matcher: Matcher = matching.match,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self._database = database
        self.clock = clock
        self.policy = policy
        # Public so that tests can inject failures (the Unknown outcome) without monkeypatching.
        self.matcher = matcher
        self._batch_size = batch_size

    # --- unit messages -------------------------------------------------------------------------

    def snapshots(self, unit_ids: Iterable[str]) -> dict[str, UnitSnapshot]:
        """The auto-pairing view of these units with their organization's switch, in one query."""
        ids = sorted(set(unit_ids))
        if not ids:
            return {}
        query = (
            select(
                units.c.id,
                units.c.organization_id,
                units.c.asset_id,
                units.c.ap_state,
                units.c.ap_vin,
                units.c.ap_retry_after,
                organizations.c.auto_pairing_enabled,
            )
            .join(organizations, organizations.c.id == units.c.organization_id)
            .where(units.c.id.in_(ids))
        )
        with self._database.read() as connection:
            rows = connection.execute(query).mappings().all()
        return {row["id"]: _snapshot(row, row["auto_pairing_enabled"]) for row in rows}

    def on_messages(self, messages: Sequence[MessageToAct], now: int) -> dict[str, UnitSnapshot | None]:
        """Act on the messages of one request that may need an attempt, in one transaction.

        One commit for the whole request is what makes a depot coming online cheap: thousands of first
        messages cost one fsync, not one each. Each unit is locked and its rules re-checked first, so two
        processes handling the same unit at once attempt once: the second waits for the lock and then
        finds the unit paired (or the VIN already attempted). Returns each unit's new snapshot, or None
        when the unit no longer exists.
        """
        snapshots: dict[str, UnitSnapshot | None] = {}
        recorded: list[tuple[int, PairingEvent]] = []
        with self._database.write() as connection:
            # Lock in one stable order, so that two requests sharing units cannot deadlock.
            rows = self._lock_units(connection, sorted({message.unit_id for message in messages}))
            enabled = _organizations_enabled(connection, {row["organization_id"] for row in rows.values()})
            savepoint = connection.begin_nested()
            try:
                paired_at_once = self._pair_exact_matches(connection, messages, rows, enabled, now)
            except Exception:
                # Every unit then takes the per-unit path, where a failure becomes its own Unknown.
                savepoint.rollback()
                log.exception("auto_pairing_exact_batch_failed", units=len(rows))
                paired_at_once = {}
            else:
                savepoint.commit()
            recorded += paired_at_once.items()
            for position, message in enumerate(messages):
                if position in paired_at_once:
                    continue
                savepoint = connection.begin_nested()
                try:
                    snapshot, event = self._act(connection, message, enabled, now)
                except Exception:
                    # Nothing is recorded for this VIN, so the unit's next message attempts again.
                    savepoint.rollback()
                    log.exception("auto_pairing_attempt_failed", unit_id=message.unit_id)
                    continue
                savepoint.commit()
                snapshots[message.unit_id] = snapshot
                if event is not None:
                    recorded.append((position, event))
            outbox.record_events(connection, [event for _, event in sorted(recorded, key=lambda r: r[0])])
        return snapshots

    def _pair_exact_matches(
        self,
        connection: Connection,
        messages: Sequence[MessageToAct],
        rows: dict[str, RowMapping],
        enabled: dict[str, bool],
        now: int,
    ) -> dict[int, PairingEvent]:
        """Pair, set-based, the units whose first message of the request names an asset's VIN exactly.

        A depot coming online is thousands of units reporting the VIN of a registered asset: three
        statements for all of them instead of a dozen per unit. Everything else (partial matches,
        failures, later messages of the same unit) takes the per-unit path. Returns the events by the
        position of the message that caused them.
        """
        wanted: dict[str, dict[str, int]] = defaultdict(dict)
        seen: set[str] = set()
        for position, message in enumerate(messages):
            row = rows.get(message.unit_id)
            if message.unit_id in seen or row is None or message.reported is None:
                seen.add(message.unit_id)
                continue
            seen.add(message.unit_id)
            vin = message.reported.normalized
            unit = _snapshot(row, enabled.get(row["organization_id"], False))
            if is_usable_sensor_vin(vin) and decide_on_message(unit, vin, now) is MessageAction.ATTEMPT:
                wanted[row["organization_id"]].setdefault(vin, position)
        hits: dict[int, tuple[str, str]] = {}
        for organization_id, by_vin in wanted.items():
            found = connection.execute(
                select(assets.c.id, assets.c.vin).where(
                    assets.c.organization_id == organization_id, assets.c.vin.in_(list(by_vin))
                )
            )
            for asset_id, vin in found:
                hits[by_vin[vin]] = (asset_id, vin)
        if not hits:
            return {}
        unit_values: list[dict[str, Any]] = []
        new_pairings: list[NewPairing] = []
        paired: dict[int, PairingEvent] = {}
        for position, (asset_id, vin) in sorted(hits.items()):
            message = messages[position]
            row = rows[message.unit_id]
            assert message.reported is not None
            location = message.location or _last_location(row)
            unit_values.append(
                {
                    "unit": message.unit_id,
                    "asset": asset_id,
                    "vin": vin,
                    "raw": message.reported.raw,
                    "seen": max(row["last_seen_at"] or 0, message.seen_at or now),
                    "latitude": location.latitude if location else None,
                    "longitude": location.longitude if location else None,
                }
            )
            new_pairings.append(NewPairing(row["organization_id"], message.unit_id, asset_id))
            paired[position] = events.auto_pair(
                row["organization_id"], message.unit_id, asset_id, vin, vin, location, now
            )
        connection.execute(
            update(units)
            .where(units.c.id == bindparam("unit"))
            .values(
                ap_vin=bindparam("vin"),
                ap_sensor_vin=bindparam("vin"),
                last_vin=bindparam("vin"),
                last_vin_raw=bindparam("raw"),
                last_seen_at=bindparam("seen"),
                last_latitude=bindparam("latitude"),
                last_longitude=bindparam("longitude"),
            ),
            unit_values,
        )
        open_pairings(connection, new_pairings, how=Reason.AUTO_PAIR, via="auto", now=now)
        return paired

    def on_message(
        self,
        unit_id: str,
        reported: ReportedVin | None,
        location: Location | None,
        now: int,
        seen_at: int | None = None,
    ) -> UnitSnapshot | None:
        """Act on one message that may need an attempt (see `on_messages`)."""
        return self.on_messages([MessageToAct(unit_id, reported, location, seen_at)], now).get(unit_id)

    def _act(
        self, connection: Connection, message: MessageToAct, enabled: dict[str, bool], now: int
    ) -> tuple[UnitSnapshot | None, PairingEvent | None]:
        row = self._lock_unit(connection, message.unit_id)
        if row is None:
            return None, None
        organization_enabled = enabled.get(row["organization_id"], False)
        unit = _snapshot(row, organization_enabled)
        reported = message.reported
        action = decide_on_message(unit, reported.normalized if reported else None, now)
        if action is MessageAction.NOTHING:
            return unit, None
        event = None
        if action is MessageAction.DISABLE:
            _set(
                connection,
                message.unit_id,
                ap_state=AutoPairingState.DISABLED.value,
                ap_candidates=None,
                ap_retry_after=None,
                **_NO_SCHEDULE,
            )
        else:
            # Written through (not only buffered): a manual unpair right after this suppresses
            # exactly this VIN, and re-matches and reminders report this location.
            seen_at = message.seen_at or now
            _set(connection, message.unit_id, **_activity(row, reported, message.location, seen_at))
            vin = attempt_vin(unit, reported)
            event = self._attempt(connection, row, vin, message.location or _last_location(row), now)
        fresh = self._lock_unit(connection, message.unit_id)
        return (None if fresh is None else _snapshot(fresh, organization_enabled)), event

    @staticmethod
    def _lock_units(connection: Connection, unit_ids: list[str]) -> dict[str, RowMapping]:
        query = select(units).where(units.c.id.in_(unit_ids)).order_by(units.c.id).with_for_update()
        return {row["id"]: row for row in connection.execute(query).mappings()}

    @staticmethod
    def _lock_unit(connection: Connection, unit_id: str) -> RowMapping | None:
        query = select(units).where(units.c.id == unit_id).with_for_update()
        return connection.execute(query).mappings().first()

    def _attempt(
        self, connection: Connection, row: RowMapping, vin: ReportedVin, location: Location | None, now: int
    ) -> PairingEvent:
        if not is_usable_sensor_vin(vin.normalized):
            sensor_vin = vin.event_sensor_vin
            _settle(connection, row["id"], AutoPairingState.INVALID_DATA, vin.normalized, sensor_vin)
            return events.auto_pair_failed(
                Reason.INVALID_DATA, row["organization_id"], row["id"], sensor_vin, location, now
            )
        sensor_vin = vin.normalized

        def outcome(result: MatchResult) -> PairingEvent:
            return self._apply(connection, row, sensor_vin, result, location, now)

        event = self._resolve(connection, row, sensor_vin, location, now, outcome)
        assert event is not None  # an attempt always reports its outcome
        return event

    def _resolve(
        self,
        connection: Connection,
        row: RowMapping,
        sensor_vin: str,
        location: Location | None,
        now: int,
        outcome: Outcome,
    ) -> PairingEvent | None:
        """Match and apply the outcome inside a SAVEPOINT; any unexpected error becomes Unknown."""
        savepoint = connection.begin_nested()
        try:
            event = outcome(self.matcher(connection, row["organization_id"], sensor_vin))
        except Exception:
            # Undo whatever the failed outcome wrote, but keep the transaction: the failure itself is
            # state (retry later) and an event the customer must see.
            savepoint.rollback()
            log.exception("auto_pairing_failed", unit_id=row["id"], sensor_vin=sensor_vin)
            retry_after = now + self.policy.unknown_retry_after_ms
            _settle(
                connection,
                row["id"],
                AutoPairingState.UNKNOWN,
                sensor_vin,
                sensor_vin,
                ap_retry_after=retry_after,
            )
            return events.auto_pair_failed(
                Reason.UNKNOWN, row["organization_id"], row["id"], sensor_vin, location, now
            )
        savepoint.commit()
        return event

    def _apply(
        self,
        connection: Connection,
        row: RowMapping,
        sensor_vin: str,
        result: MatchResult,
        location: Location | None,
        now: int,
    ) -> PairingEvent:
        """Write a fresh outcome: pair, MultipleMatchFound, or NotFound with a new reminder schedule."""
        organization_id, unit_id = row["organization_id"], row["id"]
        if result.kind in (MatchKind.EXACT, MatchKind.PARTIAL):
            assert result.asset_id is not None
            asset_vin = connection.execute(
                select(assets.c.vin).where(assets.c.id == result.asset_id)
            ).scalar_one()
            _set(connection, unit_id, ap_vin=sensor_vin, ap_sensor_vin=sensor_vin)
            open_pairings(
                connection,
                [NewPairing(organization_id, unit_id, result.asset_id)],
                how=Reason.AUTO_PAIR,
                via="auto",
                now=now,
            )
            return events.auto_pair(
                organization_id, unit_id, result.asset_id, asset_vin, sensor_vin, location, now
            )
        if result.kind is MatchKind.MULTIPLE:
            candidates = result.candidate_asset_ids
            _settle(
                connection,
                unit_id,
                AutoPairingState.MULTIPLE_MATCH_FOUND,
                sensor_vin,
                sensor_vin,
                ap_candidates=json.dumps(list(candidates)),
            )
            return events.auto_pair_failed(
                Reason.MULTIPLE_MATCH_FOUND, organization_id, unit_id, sensor_vin, location, now, candidates
            )
        _settle(
            connection,
            unit_id,
            AutoPairingState.NOT_FOUND,
            sensor_vin,
            sensor_vin,
            ap_first_failed_at=now,
            ap_reminders_sent=0,
            ap_next_reminder_at=first_reminder_at(self.policy.reminders, now),
        )
        return events.auto_pair_failed(Reason.NOT_FOUND, organization_id, unit_id, sensor_vin, location, now)

    # --- NotFound reminders --------------------------------------------------------------------

    def run_due_reminders(self, now: int) -> int:
        """Send the reminders due at `now`, in batches; returns how many due units were handled.

        On PostgreSQL each batch is claimed with FOR UPDATE SKIP LOCKED, so any number of processes
        can run this at once and each reminder is executed by exactly one of them.
        """
        handled = 0
        due = select(units.c.id).where(units.c.ap_next_reminder_at <= now).limit(1)
        with self._database.read() as connection:
            # Most wake-ups find nothing: answer them without taking SQLite's write lock.
            if connection.execute(due).first() is None:
                return handled
        while True:
            with self._database.write() as connection:
                rows = (
                    connection.execute(
                        select(units)
                        .where(units.c.ap_next_reminder_at <= now)
                        .order_by(units.c.ap_next_reminder_at, units.c.id)
                        .limit(self._batch_size)
                        .with_for_update(skip_locked=True)
                    )
                    .mappings()
                    .all()
                )
                if not rows:
                    return handled
                enabled = _organizations_enabled(connection, {row["organization_id"] for row in rows})
                emitted = [
                    self._remind(connection, row, enabled.get(row["organization_id"], False), now)
                    for row in rows
                ]
                outbox.record_events(connection, [event for event in emitted if event is not None])
            handled += len(rows)
            # Every handled unit is now due later or never, so a short batch means nothing is left.
            if len(rows) < self._batch_size:
                return handled

    def _remind(
        self, connection: Connection, row: RowMapping, enabled: bool, now: int
    ) -> PairingEvent | None:
        first_failed_at = row["ap_first_failed_at"]
        sensor_vin = row["ap_sensor_vin"]
        waiting = (
            enabled
            and row["asset_id"] is None
            and row["ap_state"] == AutoPairingState.NOT_FOUND.value
            and first_failed_at is not None
            and sensor_vin is not None
            and is_usable_sensor_vin(sensor_vin)
        )
        decision = (
            decide_due(self.policy.reminders, first_failed_at, row["ap_next_reminder_at"], now)
            if waiting
            else None
        )
        if decision is None or not decision.emit:
            # The schedule is over (window passed) or no longer applies; the unit stays as it is.
            _set(connection, row["id"], ap_next_reminder_at=None)
            return None
        location = _last_location(row)

        def outcome(result: MatchResult) -> PairingEvent:
            if result.kind is not MatchKind.NONE:
                return self._apply(connection, row, sensor_vin, result, location, now)
            _set(
                connection,
                row["id"],
                ap_reminders_sent=row["ap_reminders_sent"] + 1,
                ap_next_reminder_at=decision.next_at,
            )
            return events.auto_pair_failed(
                Reason.NOT_FOUND, row["organization_id"], row["id"], sensor_vin, location, now
            )

        return self._resolve(connection, row, sensor_vin, location, now, outcome)

    # --- hooks of other use cases --------------------------------------------------------------

    def rematch_organization(self, connection: Connection, organization_id: str, now: int) -> None:
        """Re-match the organization's waiting units after an asset VIN appeared or changed.

        Runs inside the asset's write transaction, so the new VIN and the pairings it causes commit
        together. Only a changed outcome is written and emitted.
        """
        if not _organizations_enabled(connection, [organization_id]).get(organization_id, False):
            return
        rows = (
            connection.execute(
                select(units)
                .where(
                    units.c.organization_id == organization_id,
                    units.c.asset_id.is_(None),
                    units.c.ap_state.in_(sorted(state.value for state in WAITING_STATES)),
                )
                # One lock order for every writer that locks several units: no deadlocks.
                .order_by(units.c.id)
                .with_for_update()
            )
            .mappings()
            .all()
        )
        emitted: list[PairingEvent] = []
        for row in rows:
            event = self._rematch(connection, row, now)
            if event is not None:
                emitted.append(event)
        outbox.record_events(connection, emitted)

    def _rematch(self, connection: Connection, row: RowMapping, now: int) -> PairingEvent | None:
        sensor_vin = row["ap_sensor_vin"]
        if not sensor_vin or not is_usable_sensor_vin(sensor_vin):
            return None
        state = AutoPairingState(row["ap_state"])
        candidates = tuple(json.loads(row["ap_candidates"])) if row["ap_candidates"] else ()
        location = _last_location(row)

        def outcome(result: MatchResult) -> PairingEvent | None:
            if not rematch_is_news(state, candidates, result):
                return None
            return self._apply(connection, row, sensor_vin, result, location, now)

        return self._resolve(connection, row, sensor_vin, location, now, outcome)

    def switch_organization(self, uow: UnitOfWork, organization_id: str, enabled: bool, now: int) -> None:
        """Follow the organization's auto-pairing switch (inside its write transaction).

        Off: every unpaired unit becomes `disabled` and its reminders stop (a suppressed unit stays
        suppressed, so switching off and on never re-pairs a unit the customer unpaired). On: disabled
        units start afresh and are attempted on their next message.
        """
        connection: Connection = uow.connection  # type: ignore[attr-defined]
        waiting = (units.c.organization_id == organization_id, units.c.asset_id.is_(None))
        if enabled:
            connection.execute(
                update(units)
                .where(*waiting, units.c.ap_state == AutoPairingState.DISABLED.value)
                .values(ap_state=AutoPairingState.IDLE.value, ap_vin=None)
            )
            return
        connection.execute(
            update(units)
            .where(*waiting, units.c.ap_state != AutoPairingState.SUPPRESSED.value)
            .values(
                ap_state=AutoPairingState.DISABLED.value,
                ap_candidates=None,
                ap_retry_after=None,
                **_NO_SCHEDULE,
            )
        )


class AutoPairingHost(Protocol):
    """What the reminder loop needs of the process's container."""

    auto_pairing: AutoPairing


async def reminder_loop(host: AutoPairingHost, stopping: asyncio.Event) -> None:
    """Run due NotFound reminders until `stopping` is set (a background loop of every worker)."""
    service = host.auto_pairing
    while not stopping.is_set():
        handled = await asyncio.to_thread(service.run_due_reminders, service.clock.now_ms())
        if handled:
            log.info("reminders_handled", count=handled)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=service.policy.poll_interval_seconds)
