"""The audit log on SQL: entries appended in the transaction of the change, read newest first."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, RowMapping, func, insert, select

from pairhub.adapters.sql.precompiled import PrecompiledWrite
from pairhub.adapters.sql.tables import audit_log
from pairhub.domain.access import ActorType
from pairhub.domain.audit import Actor, AuditAction, AuditEntry, AuditQuery


def _entry(row: RowMapping) -> AuditEntry:
    changes: dict[str, Any] = orjson.loads(row["changes"])
    return AuditEntry(
        organization_id=row["organization_id"],
        at=row["at"],
        actor=Actor(ActorType(row["actor_type"]), row["actor_id"], row["actor_name"]),
        action=AuditAction(row["action"]),
        target_type=row["target_type"],
        target_id=row["target_id"],
        changes={name: (pair[0], pair[1]) for name, pair in changes.items()},
        id=row["id"],
    )


_COLUMNS = (
    "organization_id",
    "at",
    "actor_type",
    "actor_id",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "changes",
)
# Auto pairing appends an entry per pairing: a thousand rows a request go to the driver as tuples.
_INSERT = PrecompiledWrite(insert(audit_log), _COLUMNS)


def _row(entry: AuditEntry) -> tuple[Any, ...]:
    return (
        entry.organization_id,
        entry.at,
        entry.actor.type.value,
        entry.actor.id,
        entry.actor.name,
        entry.action.value,
        entry.target_type,
        entry.target_id,
        orjson.dumps({name: list(pair) for name, pair in entry.changes.items()}).decode(),
    )


class SqlAudit:
    """The audit_log table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, entries: Sequence[AuditEntry]) -> None:
        """Append entries (one executemany)."""
        if entries:
            _INSERT.run_many(self._connection, [_row(entry) for entry in entries])

    def list(self, query: AuditQuery, limit: int) -> list[AuditEntry]:
        """Entries matching the query, newest first."""
        a = audit_log.c
        statement = select(audit_log).where(a.organization_id == query.organization_id)
        if query.actor_id is not None:
            statement = statement.where(a.actor_id == query.actor_id)
        if query.action is not None:
            statement = statement.where(a.action == query.action)
        if query.target_id is not None:
            statement = statement.where(a.target_id == query.target_id)
        if query.since is not None:
            statement = statement.where(a.at >= query.since)
        if query.until is not None:
            statement = statement.where(a.at < query.until)
        if query.before is not None:
            statement = statement.where(a.id < query.before)
        statement = statement.order_by(a.id.desc()).limit(limit)
        return [_entry(row) for row in self._connection.execute(statement).mappings()]

    def latest_of(self, organization_id: str, target_ids: Collection[str]) -> dict[str, AuditEntry]:
        """The newest entry of each of these targets."""
        if not target_ids:
            return {}
        a = audit_log.c
        newest = (
            select(func.max(a.id))
            .where(a.organization_id == organization_id, a.target_id.in_(list(target_ids)))
            .group_by(a.target_id)
        )
        rows = self._connection.execute(select(audit_log).where(a.id.in_(newest))).mappings()
        return {row["target_id"]: _entry(row) for row in rows}

    def oldest_id(self, organization_id: str) -> int | None:
        """The id of the organization's oldest entry still held (None when it holds none)."""
        query = select(func.min(audit_log.c.id)).where(audit_log.c.organization_id == organization_id)
        value = self._connection.execute(query).scalar()
        return None if value is None else int(value)
