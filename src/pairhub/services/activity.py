"""Units' activity waiting to be written: last seen, last VIN and last location, folded per unit.

A unit reporting several times a second folds into one pending entry of bare fields; the entries are
built into `Activity` records once a flush, and written in one executemany (`Ingest.flush`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from pairhub.domain.events import Location
from pairhub.domain.units import Activity, Unit
from pairhub.domain.vin import ReportedVin

Fields = tuple[int, ReportedVin | None, float | None, float | None]
"""An activity's seen time, VIN, latitude and longitude (both None without a location), before an
`Activity` and its `Location` are built of them."""


def fold(
    earlier: Fields | None,
    seen_at: int,
    vin: ReportedVin | None,
    latitude: float | None,
    longitude: float | None,
) -> Fields:
    """`earlier`, then a later message's activity: exactly `Activity.then`, on bare fields."""
    if earlier is None:
        return (seen_at, vin, latitude, longitude)
    earlier_seen_at, earlier_vin, earlier_latitude, earlier_longitude = earlier
    if latitude is None:
        latitude, longitude = earlier_latitude, earlier_longitude
    return (
        earlier_seen_at if earlier_seen_at > seen_at else seen_at,  # max() costs a call more
        earlier_vin if vin is None else vin,
        latitude,
        longitude,
    )


# A flush builds ten thousand locations: `tuple.__new__` costs a third of a named tuple's own `__new__`.
_tuple = tuple.__new__


def _fields(activity: Activity) -> Fields:
    location = activity.location
    if location is None:
        return (activity.seen_at, activity.vin, None, None)
    return (activity.seen_at, activity.vin, location.latitude, location.longitude)


def _location(fields: Fields) -> Location | None:
    latitude, longitude = fields[2], fields[3]
    return None if latitude is None or longitude is None else Location(latitude, longitude)


def _held(fields: Fields, unit: Unit) -> bool:
    """True when the unit's row holds the activity `fields` (a flush of them would change nothing)."""
    seen_at, vin = fields[0], fields[1]
    location = _location(fields)
    return (
        (unit.last_seen_at or 0) >= seen_at
        and (vin is None or unit.last_vin_raw == vin.raw)
        and (location is None or unit.last_location == location)
    )


class ActivityBuffer:
    """Per-unit activity waiting to be written, safe to share between request threads and the flusher."""

    # Entries are bare fields, built into `Activity` and `Location` records once a flush: a unit
    # reporting several times a second folds into its entry without two new records a message.

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, Fields] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def record(self, unit_id: str, activity: Activity) -> None:
        """Coalesce one message's activity into the unit's pending entry."""
        with self._lock:
            self._pending[unit_id] = fold(self._pending.get(unit_id), *_fields(activity))

    @contextmanager
    def folding(self) -> Iterator[dict[str, Fields]]:
        """The pending entries under the lock, for a request's messages to fold into (`fold`) at once."""
        with self._lock:
            yield self._pending

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
        return None if current is None else _location(current)

    def drain(self) -> dict[str, Activity]:
        """Take everything pending."""
        with self._lock:
            taken, self._pending = self._pending, {}
        return {
            unit_id: Activity(
                seen_at, vin, None if latitude is None else _tuple(Location, (latitude, longitude))
            )
            for unit_id, (seen_at, vin, latitude, longitude) in taken.items()
        }

    def restore(self, taken: dict[str, Activity]) -> None:
        """Put back entries whose write failed, under anything recorded since."""
        with self._lock:
            for unit_id, older in taken.items():
                newer = self._pending.get(unit_id)
                earlier = _fields(older)
                self._pending[unit_id] = earlier if newer is None else fold(earlier, *newer)
