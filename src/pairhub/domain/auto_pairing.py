"""Pure auto-pairing decisions: when a unit message needs an attempt, and when a re-match is news."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pairhub.domain.model import AutoPairingState
from pairhub.domain.vin import MatchKind, MatchResult, normalize_vin

# Outcomes whose unit waits for the customer to fix an asset VIN (re-matched on asset changes).
WAITING_STATES = frozenset({AutoPairingState.NOT_FOUND, AutoPairingState.MULTIPLE_MATCH_FOUND})


@dataclass(frozen=True)
class ReportedVin:
    """A VIN as a unit reported it: the raw value (None when reported as null) and its normalized form."""

    raw: str | None
    normalized: str

    @classmethod
    def of(cls, reported: str | None) -> ReportedVin:
        """Normalize a reported value; the raw form keeps everything but NUL padding.

        NUL cannot be stored in a PostgreSQL text column, and as padding it carries no information.
        """
        raw = None if reported is None else reported.replace("\x00", "")
        return cls(raw, normalize_vin(raw))

    @property
    def event_sensor_vin(self) -> str | None:
        """The InvalidData `sensorVIN`: the raw value, absent when nothing usable was reported at all."""
        return self.raw if self.normalized else None


@dataclass(frozen=True)
class UnitSnapshot:
    """What the message rules need to know about a unit and its organization."""

    unit_id: str
    organization_id: str
    paired: bool
    state: AutoPairingState
    attempted_vin: str | None
    retry_after: int | None
    organization_enabled: bool


class MessageAction(StrEnum):
    """What a unit message asks of auto pairing."""

    NOTHING = "nothing"
    DISABLE = "disable"
    ATTEMPT = "attempt"


def decide_on_message(unit: UnitSnapshot, vin: str | None, now: int) -> MessageAction:
    """Apply SPEC "When attempts happen" to one message; `vin` is normalized, None when not reported.

    A message without a VIN carries no VIN information: the unit's VIN is unchanged.
    """
    if unit.paired:
        return MessageAction.NOTHING
    changed = vin is not None and vin != unit.attempted_vin
    if not unit.organization_enabled:
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


def attempt_vin(unit: UnitSnapshot, reported: ReportedVin | None) -> ReportedVin:
    """The VIN an attempt uses: the reported one, else (an Unknown retry) the one that failed."""
    if reported is not None:
        return reported
    return ReportedVin.of(unit.attempted_vin)


def rematch_is_news(state: AutoPairingState, candidates: tuple[str, ...], result: MatchResult) -> bool:
    """True when a re-match changes a waiting unit's outcome (only then is an event emitted)."""
    if result.kind in (MatchKind.EXACT, MatchKind.PARTIAL):
        return True
    if result.kind is MatchKind.MULTIPLE:
        return state is not AutoPairingState.MULTIPLE_MATCH_FOUND or candidates != result.candidate_asset_ids
    return state is not AutoPairingState.NOT_FOUND
