"""The SQL of the retention job: one small batch of deletions per call, each its own short transaction.

Every statement selects at most `limit` keys through an index and deletes them, so a run never holds a
lock for long (SQLite's single writer included): the delivery steps take their turn between batches.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, case, delete, exists, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ColumnElement, Select

from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.tables import (
    attempts,
    audit_log,
    batches,
    event_horizons,
    events,
    feeds,
    idempotency_keys,
    invitations,
    pairing_diagnoses,
    subscriptions,
    ui_sessions,
)

UNFINISHED = "pending"
"""The batch status whose events must stay: it is sent (again) from the outbox's rendered events."""
ACTIVE_FEED = "active"


def _still_owed() -> ColumnElement[bool]:
    """True for an event a subscription, active feed or unfinished batch of its organization needs."""
    e = events
    unsent = exists().where(
        and_(subscriptions.c.organization_id == e.c.organization_id, subscriptions.c.cursor_seq < e.c.seq)
    )
    unpolled = exists().where(
        and_(
            feeds.c.organization_id == e.c.organization_id,
            feeds.c.state == ACTIVE_FEED,
            feeds.c.cursor_seq < e.c.seq,
        )
    )
    in_flight = exists().where(
        and_(
            batches.c.subscription_id == subscriptions.c.id,
            subscriptions.c.organization_id == e.c.organization_id,
            batches.c.status == UNFINISHED,
            batches.c.last_seq >= e.c.seq,
        )
    )
    return unsent | unpolled | in_flight


class SqlPruner:
    """Delete what is past its retention, one batch at a time; each method returns how many rows went."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def _last_older(self, key: ColumnElement[int], dated: ColumnElement[int], before_ms: int) -> int | None:
        """The largest key whose row is dated before `before_ms` (None when none is), by bisection.

        Keys and times grow together in these tables, so about 30 primary-key probes replace a scan: the
        deletions then read only the old end of the table, even when nothing (or only what is still
        owed) is left there, instead of the whole table under the write lock at the end of every run.
        """
        with self._database.read() as connection:

            def first_at_or_after(k: int) -> tuple[int, int] | None:
                row = connection.execute(select(key, dated).where(key >= k).order_by(key).limit(1)).first()
                return None if row is None else (int(row[0]), int(row[1]))

            first = first_at_or_after(0)
            if first is None or first[1] >= before_ms:
                return None
            newest = int(connection.execute(select(func.max(key))).scalar_one())
            found, low, high = first[0], first[0] + 1, newest
            while low <= high:
                middle = (low + high) // 2
                row = first_at_or_after(middle)
                if row is not None and row[1] < before_ms:
                    found, low = row[0], row[0] + 1
                else:
                    high = middle - 1
            return found

    def _delete(self, table: object, key: object, chosen: Select[tuple[object]]) -> int:
        with self._database.write() as connection:
            keys = [row[0] for row in connection.execute(chosen)]
            if not keys:
                return 0
            # Another worker pruning at the same time may have taken some of them: count what went here.
            return connection.execute(delete(table).where(key.in_(keys))).rowcount  # type: ignore[arg-type, attr-defined]

    def attempts(self, before_ms: int, limit: int) -> int:
        """Attempts logged before `before_ms`."""
        last = self._last_older(attempts.c.id, attempts.c.attempted_at, before_ms)
        if last is None:
            return 0
        chosen = (
            select(attempts.c.id)
            .where(attempts.c.id <= last, attempts.c.attempted_at < before_ms)
            .order_by(attempts.c.id)
            .limit(limit)
        )
        return self._delete(attempts, attempts.c.id, chosen)

    def events(self, before_ms: int, limit: int) -> int:
        """Events registered before `before_ms` that every subscription and active feed has passed.

        Each organization's newest deleted seq is kept in the same transaction (`event_horizons`), so a
        cursor below it is known to have lost events, and one at or above it to have lost none.
        """
        last = self._last_older(events.c.seq, events.c.registered_at, before_ms)
        if last is None:
            return 0
        chosen = (
            select(events.c.seq, events.c.organization_id)
            .where(events.c.seq <= last, events.c.registered_at < before_ms, ~_still_owed())
            .order_by(events.c.seq)
            .limit(limit)
        )
        with self._database.write() as connection:
            rows = connection.execute(chosen).all()
            if not rows:
                return 0
            newest: dict[str, int] = {}
            for seq, organization_id in rows:
                newest[organization_id] = max(seq, newest.get(organization_id, 0))
            self._raise_horizons(connection, newest)
            gone = connection.execute(delete(events).where(events.c.seq.in_([row[0] for row in rows])))
            return int(gone.rowcount)

    def _raise_horizons(self, connection: Connection, newest: dict[str, int]) -> None:
        """Move each organization's horizon up to its newest deleted seq (never down)."""
        dialect = sqlite if self._database.is_sqlite else postgresql
        for organization_id, seq in newest.items():
            statement = dialect.insert(event_horizons).values(
                organization_id=organization_id, pruned_through=seq
            )
            higher = case((event_horizons.c.pruned_through < seq, seq), else_=event_horizons.c.pruned_through)
            statement = statement.on_conflict_do_update(
                index_elements=[event_horizons.c.organization_id], set_={"pruned_through": higher}
            )
            connection.execute(statement)

    def batches(self, before_ms: int, limit: int) -> int:
        """Finished batches completed before `before_ms` whose attempts are gone."""
        chosen = (
            select(batches.c.id)
            .where(
                batches.c.status != UNFINISHED,
                batches.c.completed_at < before_ms,
                ~exists().where(attempts.c.batch_id == batches.c.id),
            )
            .limit(limit)
        )
        return self._delete(batches, batches.c.id, chosen)

    def diagnoses(self, keep_per_unit: int, limit: int) -> int:
        """Each unit's diagnoses beyond its newest `keep_per_unit`."""
        d2 = pairing_diagnoses.alias("newer")
        newer = (
            select(func.count())
            .select_from(d2)
            .where(
                d2.c.organization_id == pairing_diagnoses.c.organization_id,
                d2.c.unit_id == pairing_diagnoses.c.unit_id,
                d2.c.id > pairing_diagnoses.c.id,
            )
            .scalar_subquery()
        )
        chosen = select(pairing_diagnoses.c.id).where(newer >= keep_per_unit).limit(limit)
        return self._delete(pairing_diagnoses, pairing_diagnoses.c.id, chosen)

    def sessions(self, now_ms: int, limit: int) -> int:
        """UI sessions that expired."""
        chosen = select(ui_sessions.c.token_hash).where(ui_sessions.c.expires_at < now_ms).limit(limit)
        return self._delete(ui_sessions, ui_sessions.c.token_hash, chosen)

    def invitations(self, now_ms: int, limit: int) -> int:
        """Invitation and password-reset links that expired (used or not)."""
        chosen = select(invitations.c.id).where(invitations.c.expires_at < now_ms).limit(limit)
        return self._delete(invitations, invitations.c.id, chosen)

    def idempotency_keys(self, before_ms: int, limit: int) -> int:
        """Idempotency keys (with their stored answers) first used before `before_ms`."""
        chosen = (
            select(idempotency_keys.c.scope, idempotency_keys.c.key)
            .where(idempotency_keys.c.created_at < before_ms)
            .order_by(idempotency_keys.c.created_at)
            .limit(limit)
        )
        with self._database.write() as connection:
            keys = [tuple(row) for row in connection.execute(chosen)]
            if not keys:
                return 0
            key = tuple_(idempotency_keys.c.scope, idempotency_keys.c.key)
            # The date again: a key claimed afresh meanwhile (its old record released) is a new record.
            gone = delete(idempotency_keys).where(key.in_(keys), idempotency_keys.c.created_at < before_ms)
            # Another worker pruning at the same time may have taken some of them: count what went here.
            return int(connection.execute(gone).rowcount)

    def audit(self, before_ms: int, limit: int) -> int:
        """Audit entries recorded before `before_ms`."""
        last = self._last_older(audit_log.c.id, audit_log.c.at, before_ms)
        if last is None:
            return 0
        chosen = (
            select(audit_log.c.id)
            .where(audit_log.c.id <= last, audit_log.c.at < before_ms)
            .order_by(audit_log.c.id)
            .limit(limit)
        )
        return self._delete(audit_log, audit_log.c.id, chosen)
