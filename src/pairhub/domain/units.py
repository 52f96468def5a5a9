"""A unit's transitions: messages, match outcomes, reminders, manual (un)pairing, switches.

Every transition is a pure function returning the new record (`unit_records.py`, re-exported here with
the rules, as callers import them together) and the events it causes; the handlers
in `services/` load records, ask these functions, and save what comes back. Matching itself needs
the organization's assets, so a transition that must match says so (`Step.match_vin`) and the handler
answers with `on_match` (or `on_failure` when the lookup broke).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pairhub.domain import events
from pairhub.domain.errors import Conflict
from pairhub.domain.events import PairingEvent, Reason
from pairhub.domain.model import AutoPairingState
from pairhub.domain.records import copy_with
from pairhub.domain.reminders import AutoPairingPolicy, decide_due, first_reminder_at
from pairhub.domain.unit_records import Activity, Standing, Unit, standing_of, with_activity
from pairhub.domain.vin import MatchKind, MatchResult, ReportedVin, is_usable_sensor_vin

__all__ = [
    "WAITING_STATES",
    "Activity",
    "MessageAction",
    "Standing",
    "Step",
    "Unit",
    "changes_only_activity",
    "check_deletable",
    "decide_on_message",
    "on_asset_change",
    "on_failure",
    "on_manual_pair",
    "on_match",
    "on_message",
    "on_reminder",
    "on_reminder_match",
    "on_switch",
    "on_unpair",
    "provision",
    "rematch_is_news",
    "rematch_vin",
    "standing_of",
    "with_activity",
]

# Outcomes whose unit waits for the customer to fix an asset VIN (re-matched on asset changes).
WAITING_STATES = frozenset({AutoPairingState.NOT_FOUND, AutoPairingState.MULTIPLE_MATCH_FOUND})


@dataclass(frozen=True)
class Step:
    """A transition's result: the new record, its events, and the VIN to match next (if any)."""

    unit: Unit
    events: tuple[PairingEvent, ...] = ()
    match_vin: str | None = None


class MessageAction(StrEnum):
    """What a unit message asks of auto pairing."""

    NOTHING = "nothing"
    DISABLE = "disable"
    ATTEMPT = "attempt"


def provision(unit_id: str, organization_id: str, auto_pairing_enabled: bool, now: int) -> Unit:
    """A new unit: idle when its organization pairs automatically, disabled otherwise."""
    state = AutoPairingState.IDLE if auto_pairing_enabled else AutoPairingState.DISABLED
    return Unit(unit_id, organization_id, now, state)


def changes_only_activity(unit: Unit | Standing) -> bool:
    """True when no message, whatever it reports, changes the unit but for its activity: it is paired.

    Such a unit's messages need no auto-pairing decision (`decide_on_message` answers NOTHING to every
    one), so ingest takes them straight into its activity buffer.
    """
    return unit.paired


def decide_on_message(unit: Unit | Standing, vin: str | None, enabled: bool, now: int) -> MessageAction:
    """Apply SPEC "When attempts happen" to one message; `vin` is normalized, None when not reported.

    A message without a VIN carries no VIN information: the unit's VIN is unchanged.
    """
    if changes_only_activity(unit):
        return MessageAction.NOTHING
    changed = vin is not None and vin != unit.attempted_vin
    if not enabled:
        if unit.state is AutoPairingState.DISABLED:
            return MessageAction.NOTHING
        if unit.state is AutoPairingState.SUPPRESSED and not changed:
            return MessageAction.NOTHING
        return MessageAction.DISABLE
    if unit.state is AutoPairingState.UNKNOWN:
        if changed:
            return MessageAction.ATTEMPT
        retry_due = unit.retry_after is None or now >= unit.retry_after
        has_vin = vin is not None or unit.attempted_vin is not None
        return MessageAction.ATTEMPT if retry_due and has_vin else MessageAction.NOTHING
    if vin is None:
        return MessageAction.NOTHING
    if unit.state in (AutoPairingState.IDLE, AutoPairingState.DISABLED, AutoPairingState.PAIRED):
        # DISABLED with the organization switched on, or PAIRED without an asset: start afresh.
        return MessageAction.ATTEMPT
    return MessageAction.ATTEMPT if changed else MessageAction.NOTHING


def _settled(
    unit: Unit,
    state: AutoPairingState,
    attempted_vin: str | None,
    sensor_vin: str | None,
    *,
    candidates: tuple[str, ...] = (),
    first_failed_at: int | None = None,
    next_reminder_at: int | None = None,
    retry_after: int | None = None,
    reminders_sent: int | None = None,
) -> Unit:
    """The unit with an unpaired outcome: no candidates, no retry, no reminder schedule unless given."""
    return copy_with(
        unit,
        state=state,
        attempted_vin=attempted_vin,
        sensor_vin=sensor_vin,
        candidates=candidates,
        first_failed_at=first_failed_at,
        next_reminder_at=next_reminder_at,
        retry_after=retry_after,
        reminders_sent=unit.reminders_sent if reminders_sent is None else reminders_sent,
    )


def on_message(unit: Unit, activity: Activity, action: MessageAction, now: int) -> Step:
    """Carry out what `decide_on_message` decided for this message.

    An attempt records the message's activity (a manual unpair right after it suppresses exactly this
    VIN, and later events report this location); an unusable VIN settles as InvalidData at once, a
    usable one asks the handler to match it.
    """
    if action is MessageAction.NOTHING:
        return Step(unit)
    if action is MessageAction.DISABLE:
        return Step(_disabled(unit))
    vin = activity.vin if activity.vin is not None else ReportedVin.of(unit.attempted_vin)
    seen = with_activity(unit, activity)
    if is_usable_sensor_vin(vin.normalized):
        return Step(seen, match_vin=vin.normalized)
    sensor_vin = vin.event_sensor_vin
    invalid = _settled(seen, AutoPairingState.INVALID_DATA, vin.normalized, sensor_vin)
    event = events.auto_pair_failed(
        Reason.INVALID_DATA, unit.organization_id, unit.id, sensor_vin, seen.last_location, now
    )
    return Step(invalid, (event,))


def on_match(
    unit: Unit,
    sensor_vin: str,
    result: MatchResult,
    asset_vin: str | None,
    policy: AutoPairingPolicy,
    now: int,
) -> Step:
    """A fresh outcome of matching `sensor_vin`: paired, MultipleMatchFound, or NotFound with reminders.

    `asset_vin` is the VIN of the asset to pair with (exact or single partial match).
    """
    location = unit.last_location
    if result.kind in (MatchKind.EXACT, MatchKind.PARTIAL):
        assert result.asset_id is not None
        event = events.auto_pair(
            unit.organization_id, unit.id, result.asset_id, asset_vin, sensor_vin, location, now
        )
        paired = _attached(unit, result.asset_id, now, sensor_vin)
        return Step(paired, (event,))
    if result.kind is MatchKind.MULTIPLE:
        candidates = result.candidate_asset_ids
        multiple = _settled(
            unit, AutoPairingState.MULTIPLE_MATCH_FOUND, sensor_vin, sensor_vin, candidates=candidates
        )
        event = events.auto_pair_failed(
            Reason.MULTIPLE_MATCH_FOUND, unit.organization_id, unit.id, sensor_vin, location, now, candidates
        )
        return Step(multiple, (event,))
    not_found = _settled(
        unit,
        AutoPairingState.NOT_FOUND,
        sensor_vin,
        sensor_vin,
        first_failed_at=now,
        reminders_sent=0,
        next_reminder_at=first_reminder_at(policy.reminders, now),
    )
    event = events.auto_pair_failed(
        Reason.NOT_FOUND, unit.organization_id, unit.id, sensor_vin, location, now
    )
    return Step(not_found, (event,))


def on_failure(unit: Unit, sensor_vin: str, policy: AutoPairingPolicy, now: int) -> Step:
    """Matching `sensor_vin` broke unexpectedly: Unknown, tried again after `unknown_retry_after`."""
    unknown = _settled(
        unit,
        AutoPairingState.UNKNOWN,
        sensor_vin,
        sensor_vin,
        retry_after=now + policy.unknown_retry_after_ms,
    )
    event = events.auto_pair_failed(
        Reason.UNKNOWN, unit.organization_id, unit.id, sensor_vin, unit.last_location, now
    )
    return Step(unknown, (event,))


def on_reminder(unit: Unit, enabled: bool, policy: AutoPairingPolicy, now: int) -> Step:
    """A unit found due for its NotFound reminder: re-match first (`match_vin`), or end the schedule."""
    waiting = (
        enabled
        and not unit.paired
        and unit.state is AutoPairingState.NOT_FOUND
        and unit.first_failed_at is not None
        and unit.next_reminder_at is not None
        and unit.sensor_vin is not None
        and is_usable_sensor_vin(unit.sensor_vin)
    )
    if waiting:
        assert unit.first_failed_at is not None and unit.next_reminder_at is not None
        if decide_due(policy.reminders, unit.first_failed_at, unit.next_reminder_at, now).emit:
            return Step(unit, match_vin=unit.sensor_vin)
    # The schedule is over (window passed) or no longer applies; the unit stays as it is.
    return Step(copy_with(unit, next_reminder_at=None))


def on_reminder_match(
    unit: Unit, result: MatchResult, asset_vin: str | None, policy: AutoPairingPolicy, now: int
) -> Step:
    """The re-match of a due reminder: still nothing sends the reminder, anything else is a fresh outcome."""
    assert unit.sensor_vin is not None and unit.first_failed_at is not None
    assert unit.next_reminder_at is not None
    if result.kind is not MatchKind.NONE:
        return on_match(unit, unit.sensor_vin, result, asset_vin, policy, now)
    decision = decide_due(policy.reminders, unit.first_failed_at, unit.next_reminder_at, now)
    reminded = copy_with(unit, reminders_sent=unit.reminders_sent + 1, next_reminder_at=decision.next_at)
    event = events.auto_pair_failed(
        Reason.NOT_FOUND, unit.organization_id, unit.id, unit.sensor_vin, unit.last_location, now
    )
    return Step(reminded, (event,))


def rematch_vin(unit: Unit) -> str | None:
    """The VIN to re-match after an asset change, or None when the unit does not wait for one."""
    if unit.paired or unit.state not in WAITING_STATES:
        return None
    if not unit.sensor_vin or not is_usable_sensor_vin(unit.sensor_vin):
        return None
    return unit.sensor_vin


def rematch_is_news(unit: Unit, result: MatchResult) -> bool:
    """True when a re-match changes a waiting unit's outcome (only then is an event emitted)."""
    if result.kind in (MatchKind.EXACT, MatchKind.PARTIAL):
        return True
    if result.kind is MatchKind.MULTIPLE:
        return (
            unit.state is not AutoPairingState.MULTIPLE_MATCH_FOUND
            or unit.candidates != result.candidate_asset_ids
        )
    return unit.state is not AutoPairingState.NOT_FOUND


def on_asset_change(
    unit: Unit, result: MatchResult, asset_vin: str | None, policy: AutoPairingPolicy, now: int
) -> Step:
    """The re-match of a waiting unit after an asset VIN appeared or changed: only news changes it."""
    assert unit.sensor_vin is not None
    if not rematch_is_news(unit, result):
        return Step(unit)
    return on_match(unit, unit.sensor_vin, result, asset_vin, policy, now)


def on_switch(unit: Unit, enabled: bool) -> Unit:
    """Follow the organization's auto-pairing switch (see docs/auto-pairing.md).

    Off: an unpaired unit is `disabled`, its reminders stop; a suppressed one stays so (a switch never
    re-pairs a unit the customer unpaired). On: a disabled unit takes back its announced outcome.
    """
    if unit.paired:
        return unit
    if enabled:
        return _reenabled(unit) if unit.state is AutoPairingState.DISABLED else unit
    return unit if unit.state is AutoPairingState.SUPPRESSED else _disabled(unit)


def _disabled(unit: Unit) -> Unit:
    """Auto pairing off: reminders end; the last outcome's VIN and candidates stay for `_reenabled`."""
    return _settled(
        unit, AutoPairingState.DISABLED, unit.attempted_vin, unit.sensor_vin, candidates=unit.candidates
    )


def _reenabled(unit: Unit) -> Unit:
    """On again: InvalidData and MultipleMatchFound are announced once per VIN; others start afresh."""
    vin = unit.attempted_vin
    if vin is not None and not is_usable_sensor_vin(vin):
        return copy_with(unit, state=AutoPairingState.INVALID_DATA, candidates=())
    if vin is not None and unit.candidates:  # the re-match after the switch emits only changes
        return copy_with(unit, state=AutoPairingState.MULTIPLE_MATCH_FOUND)
    # NotFound and Unknown are attempted again: their reminders and retries ended with the switch.
    return copy_with(unit, state=AutoPairingState.IDLE, attempted_vin=None, candidates=())


def _attached(unit: Unit, asset_id: str, now: int, sensor_vin: str | None = None) -> Unit:
    """The unit mounted on `asset_id`: any auto-pairing progress and its reminders end.

    `sensor_vin` is the VIN an automatic pairing matched (one copy: this runs per unit of a request).
    """
    return copy_with(
        unit,
        attempted_vin=unit.attempted_vin if sensor_vin is None else sensor_vin,
        sensor_vin=unit.sensor_vin if sensor_vin is None else sensor_vin,
        asset_id=asset_id,
        paired_at=now,
        state=AutoPairingState.PAIRED,
        candidates=(),
        first_failed_at=None,
        next_reminder_at=None,
        retry_after=None,
    )


def on_manual_pair(unit: Unit, asset_id: str, asset_vin: str | None, now: int) -> Step | None:
    """Pair by hand; None when this pairing is already in place, a conflict when paired elsewhere."""
    if unit.asset_id == asset_id:
        return None
    if unit.asset_id is not None:
        raise Conflict(
            "unit_already_paired",
            f"Unit {unit.id} is paired with another asset; unpair it first.",
            assetId=unit.asset_id,
        )
    event = events.manual_pair(unit.organization_id, unit.id, asset_id, asset_vin, now)
    return Step(_attached(unit, asset_id, now), (event,))


def on_unpair(unit: Unit, asset_vin: str | None, now: int) -> Step:
    """Unpair by hand; auto pairing stays suppressed until the unit reports a VIN other than its last."""
    if unit.asset_id is None:
        raise Conflict("unit_not_paired", f"Unit {unit.id} is not paired.")
    detached = copy_with(unit, asset_id=None, paired_at=None)
    unpaired = _settled(detached, AutoPairingState.SUPPRESSED, unit.last_vin, unit.sensor_vin)
    event = events.manual_unpair(unit.organization_id, unit.id, unit.asset_id, asset_vin, now)
    return Step(unpaired, (event,))


def check_deletable(unit: Unit) -> None:
    """A paired unit cannot be deleted (its reminders end with it otherwise)."""
    if unit.asset_id is not None:
        raise Conflict("unit_is_paired", "Unpair the unit before deleting it.", assetId=unit.asset_id)
