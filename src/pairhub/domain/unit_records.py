"""A unit's record, the part of it the message rules read (`Standing`), and what a message says of it
besides its VIN (`Activity`); the rules that change a unit are `units.py`."""

from __future__ import annotations

from dataclasses import dataclass

from pairhub.domain.events import Location
from pairhub.domain.model import AutoPairingState
from pairhub.domain.records import copy_with
from pairhub.domain.vin import ReportedVin


@dataclass(frozen=True)
class Unit:
    """A telematics unit: its pairing, its auto-pairing progress and its last activity."""

    id: str
    organization_id: str
    created_at: int
    state: AutoPairingState
    asset_id: str | None = None
    paired_at: int | None = None
    attempted_vin: str | None = None
    """The normalized VIN auto pairing last acted on (a new message VIN differs from it)."""
    sensor_vin: str | None = None
    candidates: tuple[str, ...] = ()
    first_failed_at: int | None = None
    reminders_sent: int = 0
    next_reminder_at: int | None = None
    retry_after: int | None = None
    last_seen_at: int | None = None
    last_vin_raw: str | None = None
    last_vin: str | None = None
    last_location: Location | None = None

    @property
    def paired(self) -> bool:
        """True while the unit is mounted on an asset."""
        return self.asset_id is not None


@dataclass(frozen=True)
class Standing:
    """What the message rules read of a unit: the steady-state ingest path reads only this."""

    id: str
    organization_id: str
    asset_id: str | None
    state: AutoPairingState
    attempted_vin: str | None
    retry_after: int | None

    @property
    def paired(self) -> bool:
        """True while the unit is mounted on an asset."""
        return self.asset_id is not None


def standing_of(unit: Unit) -> Standing:
    """The part of a unit the message rules read."""
    return Standing(
        unit.id, unit.organization_id, unit.asset_id, unit.state, unit.attempted_vin, unit.retry_after
    )


@dataclass(frozen=True)
class Activity:
    """What a message says about a unit besides its VIN's outcome: seen time, VIN and location."""

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


def with_activity(unit: Unit, activity: Activity) -> Unit:
    """The unit after a message's activity: seen time never goes back, reported values replace."""
    vin, location = activity.vin, activity.location
    return copy_with(
        unit,
        last_seen_at=max(unit.last_seen_at or 0, activity.seen_at),
        last_vin_raw=unit.last_vin_raw if vin is None else vin.raw,
        last_vin=unit.last_vin if vin is None else vin.normalized,
        last_location=unit.last_location if location is None else location,
    )
