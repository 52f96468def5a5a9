"""The event outbox on SQL: canonical events stored with the state change that caused them."""

from __future__ import annotations

import json
import zlib
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, text

from pairhub.adapters.sql.engine import OUTBOX_WRITTEN
from pairhub.adapters.sql.precompiled import Precompiled, PrecompiledWrite
from pairhub.adapters.sql.search import contains
from pairhub.adapters.sql.tables import event_horizons, events, organizations
from pairhub.contract.render import SUPPORTED_VERSIONS, render_fragment
from pairhub.domain.events import EventType, Location, PairingEvent, Reason
from pairhub.domain.vocabulary import outcome_of
from pairhub.ports import EventQuery, RenderedEvent, StoredEvent


def _lock_organization_feed(connection: Connection, organization_id: str) -> None:
    # On PostgreSQL a sequence value is taken at insert but becomes visible at commit, so two
    # concurrent writers could commit seq 8 before seq 7 and a reader past 8 would miss 7 forever.
    # One transaction-scoped lock per organization makes commit order equal seq order.
    # SQLite has a single writer, which gives the same guarantee for free.
    if connection.dialect.name == "postgresql":
        key = zlib.crc32(organization_id.encode()) - 2**31
        connection.execute(text("SELECT pg_advisory_xact_lock(1, :key)"), {"key": key})


RENDERED_COLUMNS = tuple(f"rendered_v{version}" for version in SUPPORTED_VERSIONS)
"""The columns holding an event's rendered `eventsData` element, one per payload version."""
_INSERT_COLUMNS = (
    "organization_id",
    "event_type",
    "reason",
    "unit_id",
    "asset_id",
    "asset_vin",
    "sensor_vin",
    "candidate_asset_ids",
    "latitude",
    "longitude",
    "registered_at",
    *RENDERED_COLUMNS,
)
_INSERT = PrecompiledWrite(insert(events), _INSERT_COLUMNS)


def record_events(connection: Connection, batch: Iterable[PairingEvent]) -> None:
    """Insert events in the caller's transaction (the transactional outbox)."""
    rows = [_to_row(event) for event in batch]
    if not rows:
        return
    for organization_id in sorted({row[0] for row in rows}):
        _lock_organization_feed(connection, organization_id)
    _INSERT.run_many(connection, rows)
    connection.info[OUTBOX_WRITTEN] = True


def _to_row(event: PairingEvent) -> tuple[Any, ...]:
    """The event's values in the order of `_INSERT_COLUMNS`."""
    location = event.location
    return (
        event.organization_id,
        event.event_type.value,
        event.reason.value if event.reason else None,
        event.unit_id,
        event.asset_id,
        event.asset_vin,
        event.sensor_vin,
        json.dumps(list(event.candidate_asset_ids)) if event.candidate_asset_ids else None,
        location.latitude if location else None,
        location.longitude if location else None,
        event.registered_at_ms,
        *rendered_columns(event).values(),
    )


def rendered_columns(event: PairingEvent) -> dict[str, str | None]:
    """The event's `eventsData` element per payload version, by column (in `RENDERED_COLUMNS` order)."""
    return {
        column: render_fragment(event, version)
        for column, version in zip(RENDERED_COLUMNS, SUPPORTED_VERSIONS, strict=True)
    }


_COLUMNS = (
    events.c.seq,
    events.c.event_type,
    events.c.organization_id,
    events.c.unit_id,
    events.c.registered_at,
    events.c.reason,
    events.c.asset_id,
    events.c.asset_vin,
    events.c.sensor_vin,
    events.c.candidate_asset_ids,
    events.c.latitude,
    events.c.longitude,
)
"""The columns a read selects, in the order `_stored` unpacks them."""
_EVENT_TYPES = {kind.value: kind for kind in EventType}
_REASONS = {reason.value: reason for reason in Reason}


def _stored(row: Sequence[Any]) -> StoredEvent:
    """Rebuild the canonical event from its stored row (plain tuples: a window holds up to 500)."""
    seq, kind, organization_id, unit_id, registered_at, reason, asset_id, asset_vin, sensor_vin = row[:9]
    candidates, latitude, longitude = row[9:]
    event = PairingEvent(
        event_type=_EVENT_TYPES[kind],
        organization_id=organization_id,
        unit_id=unit_id,
        registered_at_ms=registered_at,
        reason=_REASONS[reason] if reason else None,
        asset_id=asset_id,
        asset_vin=asset_vin,
        sensor_vin=sensor_vin,
        candidate_asset_ids=tuple(json.loads(candidates)) if candidates else (),
        location=None if latitude is None or longitude is None else Location(latitude, longitude),
    )
    return StoredEvent(seq, event)


_WINDOW = (
    select(*_COLUMNS)
    .where(
        events.c.organization_id == bindparam("organization_id"),
        events.c.seq > bindparam("after"),
        events.c.seq <= bindparam("upto"),
        events.c.event_type.in_(bindparam("event_types", expanding=True)),
    )
    .order_by(events.c.seq)
    .limit(bindparam("size"))
)
"""Built once: the delivery worker reads a window for every batch it cuts, and building a statement
costs more than running it."""
_RENDERED_WINDOWS = {
    version: Precompiled(
        select(events.c.seq, events.c.registered_at, events.c[f"rendered_v{version}"])
        .where(
            events.c.organization_id == bindparam("organization_id"),
            events.c.seq > bindparam("after"),
            events.c.seq <= bindparam("upto"),
            # There are two event types: a subscription asks for one (passed twice) or both.
            events.c.event_type.in_([bindparam("first_type"), bindparam("second_type")]),
        )
        .order_by(events.c.seq)
        .limit(bindparam("size"))
    )
    for version in SUPPORTED_VERSIONS
}
"""The window as cutting a batch reads it: three columns, no event rebuilt."""

_NO_UPPER_BOUND = 2**62


def render_unrendered(connection: Connection, chunk: int = 5000) -> int:
    """Render the stored events that have no rendered columns yet (recorded before they existed)."""
    done = 0
    after = 0
    while True:
        rows = connection.execute(
            select(*_COLUMNS)
            .where(events.c.seq > after, events.c.rendered_v1.is_(None))
            .order_by(events.c.seq)
            .limit(chunk)
        ).fetchall()
        if not rows:
            return done
        changes = []
        for row in rows:
            stored = _stored(row)
            changes.append({"row_seq": stored.seq, **rendered_columns(stored.event)})
        connection.execute(
            events.update().where(events.c.seq == bindparam("row_seq")),
            changes,
        )
        done += len(rows)
        after = rows[-1][0]


def _plain(query: EventQuery) -> bool:
    """True for an oldest-first range with no filter beyond the event types: the window's shape."""
    filtered = (
        query.reason,
        query.unit_id,
        query.unit_id_contains,
        query.asset_id,
        query.since_ms,
        query.until_ms,
    )
    return not query.newest_first and query.before is None and filtered == (None,) * len(filtered)


def _window_params(query: EventQuery) -> dict[str, Any]:
    return {
        "organization_id": query.organization_id,
        "after": query.after,
        "upto": _NO_UPPER_BOUND if query.upto is None else query.upto,
        "event_types": list(query.event_types),
        "size": query.limit,
    }


# One indexed max() per organization (a GROUP BY would scan every event of each organization). Built
# once: every delivery step reads the heads of the organizations it serves.
_HEADS = Precompiled(
    select(
        organizations.c.id,
        select(func.max(events.c.seq))
        .where(events.c.organization_id == organizations.c.id)
        .scalar_subquery(),
    ).where(organizations.c.id.in_(bindparam("ids", expanding=True)))
)


class SqlEvents:
    """The outbox of one SQL transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, events: Sequence[PairingEvent]) -> None:
        """Append events in this transaction."""
        record_events(self._connection, events)

    def read(self, query: EventQuery) -> list[StoredEvent]:
        """The events `query` describes, through the pre-compiled window when it is a plain range."""
        if _plain(query):
            rows = self._connection.execute(_WINDOW, _window_params(query)).fetchall()
            return [_stored(row) for row in rows]
        statement = select(*_COLUMNS).where(
            events.c.organization_id == query.organization_id,
            events.c.event_type.in_(list(query.event_types)),
            events.c.seq > query.after,
        )
        if query.upto is not None:
            statement = statement.where(events.c.seq <= query.upto)
        if query.before is not None:
            statement = statement.where(events.c.seq < query.before)
        if query.reason is not None:
            statement = statement.where(events.c.reason == query.reason)
        if query.unit_id is not None:
            statement = statement.where(events.c.unit_id == query.unit_id)
        if query.asset_id is not None:
            statement = statement.where(events.c.asset_id == query.asset_id)
        if query.since_ms is not None:
            statement = statement.where(events.c.registered_at >= query.since_ms)
        if query.until_ms is not None:
            statement = statement.where(events.c.registered_at < query.until_ms)
        if query.unit_id_contains is not None:
            statement = statement.where(contains(events.c.unit_id, query.unit_id_contains))
        order = events.c.seq.desc() if query.newest_first else events.c.seq
        rows = self._connection.execute(statement.order_by(order).limit(query.limit)).fetchall()
        return [_stored(row) for row in rows]

    def rendered(self, query: EventQuery, version: int) -> list[RenderedEvent]:
        """The events of a plain oldest-first `query`, as payload `version` rendered them at insert."""
        types = list(query.event_types)
        if not _plain(query) or version not in _RENDERED_WINDOWS or not 1 <= len(types) <= 2:
            raise ValueError("rendered events are read in plain oldest-first ranges of a known version")
        params = {**_window_params(query), "first_type": types[0], "second_type": types[-1]}
        rows = _RENDERED_WINDOWS[version].rows(self._connection, params)
        if None in [row[2] for row in rows]:
            raise ValueError(f"payload version {version} does not carry every event type asked for")
        return list(map(RenderedEvent._make, rows))

    def heads(self, organization_ids: Collection[str]) -> dict[str, int]:
        """The newest seq of each organization (0 when it has none)."""
        if not organization_ids:
            return {}
        rows = _HEADS.rows(self._connection, {"ids": list(organization_ids)})
        return {organization_id: int(seq or 0) for organization_id, seq in rows}

    def count_after(self, organization_id: str, after: int, event_types: Sequence[str]) -> int:
        """How many events of these types follow `after`."""
        query = select(func.count()).where(
            events.c.organization_id == organization_id,
            events.c.seq > after,
            events.c.event_type.in_(list(event_types)),
        )
        return int(self._connection.execute(query).scalar() or 0)

    def pruned_through(self, organization_id: str) -> int:
        """The newest seq of the organization that the retention deleted (0 when none was)."""
        query = select(event_horizons.c.pruned_through).where(
            event_horizons.c.organization_id == organization_id
        )
        return int(self._connection.execute(query).scalar() or 0)

    def outcomes_per_bucket(
        self, organization_id: str, start: int, end: int, bucket_ms: int
    ) -> dict[int, dict[str, int]]:
        """Events registered in [start, end) per bucket and outcome: one GROUP BY on the time index."""
        e = events.c
        bucket = (e.registered_at - start) // bucket_ms
        query = (
            select(bucket, e.event_type, e.reason, func.count())
            .where(e.organization_id == organization_id, e.registered_at >= start, e.registered_at < end)
            .group_by(bucket, e.event_type, e.reason)
        )
        found: dict[int, dict[str, int]] = {}
        for index, event_type, reason, count in self._connection.execute(query):
            at = start + int(index) * bucket_ms
            outcome = outcome_of(event_type, reason)
            found.setdefault(at, {})
            found[at][outcome] = found[at].get(outcome, 0) + int(count)
        return found
