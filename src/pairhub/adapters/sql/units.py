"""Units on SQL: records in and out, bulk locks and writes with statements built once."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    Boolean,
    Connection,
    Float,
    String,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from pairhub.adapters.sql import ordering, search
from pairhub.adapters.sql.engine import PAIRING_CHANGED
from pairhub.adapters.sql.precompiled import PrecompiledWrite
from pairhub.adapters.sql.tables import organizations, units
from pairhub.domain.events import Location
from pairhub.domain.model import AutoPairingState
from pairhub.domain.overview import UnitOrder
from pairhub.domain.units import WAITING_STATES, Activity, Standing, Unit

# Rows are read by position: building a record per unit of a 1,000-message request is on the hot path,
# and unpacking is several times cheaper than mapping lookups. `select(units, ...)` yields the table's
# columns first; the check below fails at import if the table and this order ever part.
_ORDER = (
    "id",
    "organization_id",
    "asset_id",
    "paired_at",
    "created_at",
    "last_seen_at",
    "last_vin_raw",
    "last_vin",
    "last_latitude",
    "last_longitude",
    "ap_state",
    "ap_vin",
    "ap_sensor_vin",
    "ap_candidates",
    "ap_first_failed_at",
    "ap_reminders_sent",
    "ap_next_reminder_at",
    "ap_retry_after",
)
if tuple(column.name for column in units.columns) != _ORDER:
    raise RuntimeError("the units table changed: update _ORDER and _unit")
_WIDTH = len(_ORDER)
_STATES = {state.value: state for state in AutoPairingState}


def _unit(row: Sequence[Any]) -> Unit:
    (
        unit_id,
        organization_id,
        asset_id,
        paired_at,
        created_at,
        last_seen_at,
        last_vin_raw,
        last_vin,
        latitude,
        longitude,
        state,
        attempted_vin,
        sensor_vin,
        candidates,
        first_failed_at,
        reminders_sent,
        next_reminder_at,
        retry_after,
    ) = row[:_WIDTH]
    return Unit(
        id=unit_id,
        organization_id=organization_id,
        created_at=created_at,
        state=_STATES[state],
        asset_id=asset_id,
        paired_at=paired_at,
        attempted_vin=attempted_vin,
        sensor_vin=sensor_vin,
        candidates=tuple(json.loads(candidates)) if candidates else (),
        first_failed_at=first_failed_at,
        reminders_sent=reminders_sent,
        next_reminder_at=next_reminder_at,
        retry_after=retry_after,
        last_seen_at=last_seen_at,
        last_vin_raw=last_vin_raw,
        last_vin=last_vin,
        last_location=None if latitude is None or longitude is None else Location(latitude, longitude),
    )


def _columns(unit: Unit) -> dict[str, Any]:
    location = unit.last_location
    return {
        "organization_id": unit.organization_id,
        "asset_id": unit.asset_id,
        "paired_at": unit.paired_at,
        "created_at": unit.created_at,
        "last_seen_at": unit.last_seen_at,
        "last_vin_raw": unit.last_vin_raw,
        "last_vin": unit.last_vin,
        "last_latitude": location.latitude if location else None,
        "last_longitude": location.longitude if location else None,
        "ap_state": unit.state.value,
        "ap_vin": unit.attempted_vin,
        "ap_sensor_vin": unit.sensor_vin,
        "ap_candidates": json.dumps(list(unit.candidates)) if unit.candidates else None,
        "ap_first_failed_at": unit.first_failed_at,
        "ap_reminders_sent": unit.reminders_sent,
        "ap_next_reminder_at": unit.next_reminder_at,
        "ap_retry_after": unit.retry_after,
    }


_IDS: BindParameter[str] = bindparam("ids", expanding=True)
_WITH_SWITCH = (
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
    .where(units.c.id.in_(_IDS))
)
_LOCK_MANY = select(units).where(units.c.id.in_(_IDS)).order_by(units.c.id).with_for_update()


@functools.cache
def _save_statement(columns: tuple[str, ...]) -> PrecompiledWrite:
    """The UPDATE of these columns, then the id; built once per set (bind names differ from columns')."""
    statement = (
        update(units).where(units.c.id == bindparam("b_id")).values({c: bindparam(f"b_{c}") for c in columns})
    )
    return PrecompiledWrite(statement, (*(f"b_{c}" for c in columns), "b_id"))


# Built once: a manual pairing reads its unit on every request.
_ONE = select(units).where(
    units.c.id == bindparam("unit_id"), units.c.organization_id == bindparam("organization_id")
)
_LOCK_ONE = _ONE.with_for_update()
_PAIRED_TO = (
    select(units.c.asset_id, units.c.id)
    .where(units.c.asset_id.in_(bindparam("asset_ids", expanding=True)))
    .order_by(units.c.id)
)
_DUE: BindParameter[int] = bindparam("now", type_=BigInteger)
_ANY_DUE = select(units.c.id).where(units.c.ap_next_reminder_at <= _DUE).limit(1)
_CLAIM_DUE = (
    select(units)
    .where(units.c.ap_next_reminder_at <= _DUE)
    .order_by(units.c.ap_next_reminder_at, units.c.id)
    .limit(bindparam("limit"))
    # Any number of schedulers may run at once: each claims rows the others have not locked.
    .with_for_update(skip_locked=True)
)
_UNPAIRED = select(units).where(
    units.c.organization_id == bindparam("organization_id"), units.c.asset_id.is_(None)
)
_LOCK_UNPAIRED = _UNPAIRED.order_by(units.c.id).with_for_update()
_LOCK_WAITING = (
    _UNPAIRED.where(units.c.ap_state.in_(sorted(state.value for state in WAITING_STATES)))
    .order_by(units.c.id)
    .with_for_update()
)
# Buffered activity of every pending unit in one executemany; a missing value keeps the column.
_ACTIVITY_STATEMENT = (
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
_ACTIVITY = PrecompiledWrite(
    _ACTIVITY_STATEMENT,
    ("b_unit_id", "b_seen_at", "b_vin_given", "b_vin_raw", "b_vin", "b_latitude", "b_longitude"),
)


def _activity_parameters(unit_id: str, activity: Activity) -> tuple[Any, ...]:
    vin, location = activity.vin, activity.location
    return (
        unit_id,
        activity.seen_at,
        vin is not None,
        vin.raw if vin else None,
        vin.normalized if vin else None,
        location.latitude if location else None,
        location.longitude if location else None,
    )


def _changes(before: Unit | None, after: Unit) -> dict[str, Any]:
    """The columns to write: only those that differ from what this transaction read."""
    values = _columns(after)
    if before is None:
        return values
    old = _columns(before)
    return {name: value for name, value in values.items() if old[name] != value}


class SqlUnits:
    """The units table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        # What this transaction read or wrote last, per unit: a save writes only the columns that
        # changed (a pairing touches a third of them), which keeps the executemany of a busy
        # request small. The unit of work drops this after a failed savepoint.
        self._known: dict[str, Unit] = {}

    def _remember(self, unit: Unit) -> Unit:
        self._known[unit.id] = unit
        return unit

    def add(self, unit: Unit) -> bool:
        """Insert a new unit; False when a unit with this id exists (in any organization)."""
        if self._connection.execute(select(units.c.id).where(units.c.id == unit.id)).first():
            return False
        try:
            # A concurrent insert of the same id loses on the primary key, not on the whole transaction.
            with self._connection.begin_nested():
                self._connection.execute(insert(units), {"id": unit.id, **_columns(unit)})
        except IntegrityError:
            return False
        return True

    def get(self, organization_id: str, unit_id: str, *, lock: bool = False) -> Unit | None:
        """One unit of this organization, or None; `lock` holds it until the end of the transaction."""
        query = _LOCK_ONE if lock else _ONE
        row = self._connection.execute(
            query, {"unit_id": unit_id, "organization_id": organization_id}
        ).first()
        return None if row is None else self._remember(_unit(row))

    def with_switch(self, unit_ids: Collection[str]) -> dict[str, tuple[Standing, bool]]:
        """These units' standing with their organization's auto-pairing switch, in one narrow query."""
        if not unit_ids:
            return {}
        rows = self._connection.execute(_WITH_SWITCH, {"ids": sorted(set(unit_ids))})
        return {
            unit_id: (
                Standing(unit_id, organization_id, asset_id, _STATES[state], vin, retry_after),
                bool(on),
            )
            for unit_id, organization_id, asset_id, state, vin, retry_after, on in rows
        }

    def lock_many(self, unit_ids: Collection[str]) -> dict[str, Unit]:
        """Lock and read these units, in id order."""
        if not unit_ids:
            return {}
        rows = self._connection.execute(_LOCK_MANY, {"ids": sorted(set(unit_ids))})
        return {unit.id: self._remember(unit) for unit in map(_unit, rows)}

    def save(self, unit: Unit) -> None:
        """Write back one changed unit."""
        self.save_many([unit])

    def save_many(self, changed: Sequence[Unit]) -> None:
        """Write back changed units, in id order: one executemany per set of changed columns."""
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for unit in sorted(changed, key=lambda unit: unit.id):
            before = self._known.get(unit.id)
            values = _changes(before, unit)
            if "asset_id" in values or "organization_id" in values:
                self._connection.info.setdefault(PAIRING_CHANGED, set()).add(unit.id)
            if values:
                groups.setdefault(tuple(values), []).append((*values.values(), unit.id))
            self._remember(unit)
        for columns, rows in groups.items():
            _save_statement(columns).run_many(self._connection, rows)

    def delete(self, unit_id: str) -> None:
        """Remove a unit."""
        self._connection.execute(delete(units).where(units.c.id == unit_id))
        self._connection.info.setdefault(PAIRING_CHANGED, set()).add(unit_id)

    def search(
        self,
        organization_id: str,
        paired: bool | None,
        state: str | None,
        after: str | None,
        limit: int,
        order: UnitOrder = UnitOrder.ID,
        text: str | None = None,
    ) -> list[Unit]:
        """Units of an organization in `order` after the unit `after`, by pairing, state or part of the id."""
        query = select(units).where(units.c.organization_id == organization_id).limit(limit)
        if text:
            query = query.where(search.contains(units.c.id, text))
        if paired is not None:
            query = query.where(units.c.asset_id.is_not(None) if paired else units.c.asset_id.is_(None))
        if state is not None:
            query = query.where(units.c.ap_state == state)
        keys: list[ordering.SortKey] = []
        if order is UnitOrder.LAST_SEEN:
            keys = [ordering.nulls_last("last_seen_at"), ordering.number_key("last_seen_at", descending=True)]
        elif order is UnitOrder.STATE:
            keys = [ordering.text_key(self._connection, "ap_state")]
        query = ordering.page_after(query, units, keys, after)
        return [_unit(row) for row in self._connection.execute(query)]

    def count_by_state(self, organization_id: str) -> dict[tuple[bool, AutoPairingState], int]:
        """How many units of the organization there are per (paired, auto-pairing state): one GROUP BY."""
        paired = case((units.c.asset_id.is_(None), 0), else_=1)
        query = (
            select(paired, units.c.ap_state, func.count())
            .where(units.c.organization_id == organization_id)
            .group_by(paired, units.c.ap_state)
        )
        return {
            (bool(is_paired), AutoPairingState(state)): int(count)
            for is_paired, state, count in self._connection.execute(query)
        }

    def ids_by_asset(self, asset_ids: Collection[str]) -> dict[str, tuple[str, ...]]:
        """The ids of the units paired to each of these assets, sorted."""
        if not asset_ids:
            return {}
        found: dict[str, list[str]] = defaultdict(list)
        for asset_id, unit_id in self._connection.execute(_PAIRED_TO, {"asset_ids": list(asset_ids)}):
            found[asset_id].append(unit_id)
        return {asset_id: tuple(unit_ids) for asset_id, unit_ids in found.items()}

    def any_due(self, now: int) -> bool:
        """True when some unit's next reminder is due at `now`."""
        return self._connection.execute(_ANY_DUE, {"now": now}).first() is not None

    def claim_due(self, now: int, limit: int) -> list[Unit]:
        """Lock up to `limit` due units, oldest slot first; rows locked by others are skipped."""
        return [_unit(row) for row in self._connection.execute(_CLAIM_DUE, {"now": now, "limit": limit})]

    def lock_waiting(self, organization_id: str) -> list[Unit]:
        """Lock the organization's unpaired units waiting for an asset fix."""
        rows = self._connection.execute(_LOCK_WAITING, {"organization_id": organization_id})
        return [_unit(row) for row in rows]

    def lock_unpaired(self, organization_id: str) -> list[Unit]:
        """Lock the organization's unpaired units."""
        rows = self._connection.execute(_LOCK_UNPAIRED, {"organization_id": organization_id})
        return [_unit(row) for row in rows]

    def record_activity(self, activity: Mapping[str, Activity]) -> None:
        """Write buffered activity of many units in one executemany."""
        if activity:
            # Sorted: processes flushing overlapping units lock rows in the same order (no deadlock).
            parameters = [_activity_parameters(unit_id, activity[unit_id]) for unit_id in sorted(activity)]
            _ACTIVITY.run_many(self._connection, parameters)
