"""The SQL of the retention job: one small batch of deletions per call, each its own short transaction.

Every statement selects at most `limit` keys through an index and deletes them, so a run never holds a
lock for long (SQLite's single writer included): the delivery steps take their turn between batches.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, exists, func, select
from sqlalchemy.sql import ColumnElement, Select

from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.tables import (
    attempts,
    audit_log,
    batches,
    events,
    feeds,
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

    def _delete(self, table: object, key: object, chosen: Select[tuple[object]]) -> int:
        with self._database.write() as connection:
            keys = [row[0] for row in connection.execute(chosen)]
            if not keys:
                return 0
            # Another worker pruning at the same time may have taken some of them: count what went here.
            return connection.execute(delete(table).where(key.in_(keys))).rowcount  # type: ignore[arg-type, attr-defined]

    def attempts(self, before_ms: int, limit: int) -> int:
        """Attempts logged before `before_ms`."""
        chosen = (
            select(attempts.c.id)
            .where(attempts.c.attempted_at < before_ms)
            .order_by(attempts.c.id)
            .limit(limit)
        )
        return self._delete(attempts, attempts.c.id, chosen)

    def events(self, before_ms: int, limit: int) -> int:
        """Events registered before `before_ms` that every subscription and active feed has passed."""
        chosen = (
            select(events.c.seq)
            .where(events.c.registered_at < before_ms, ~_still_owed())
            .order_by(events.c.seq)
            .limit(limit)
        )
        return self._delete(events, events.c.seq, chosen)

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

    def audit(self, before_ms: int, limit: int) -> int:
        """Audit entries recorded before `before_ms`."""
        chosen = (
            select(audit_log.c.id).where(audit_log.c.at < before_ms).order_by(audit_log.c.id).limit(limit)
        )
        return self._delete(audit_log, audit_log.c.id, chosen)

    def oldest_event_seq(self, organization_id: str) -> int | None:
        """The oldest event position an organization still holds (None when it holds none)."""
        with self._database.read() as connection:
            value = connection.execute(
                select(func.min(events.c.seq)).where(events.c.organization_id == organization_id)
            ).scalar()
            return None if value is None else int(value)
