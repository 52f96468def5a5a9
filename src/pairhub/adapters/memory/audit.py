"""The audit log in memory."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from pairhub.adapters.memory.state import MemoryState
from pairhub.domain.audit import AuditEntry, AuditQuery


def _matches(entry: AuditEntry, query: AuditQuery) -> bool:
    return (
        entry.organization_id == query.organization_id
        and query.actor_id in (None, entry.actor.id)
        and query.action in (None, entry.action.value)
        and query.target_id in (None, entry.target_id)
        and (query.since is None or entry.at >= query.since)
        and (query.until is None or entry.at < query.until)
        and (query.before is None or (entry.id or 0) < query.before)
    )


class MemoryAudit:
    """Entries in the order they were recorded."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> list[AuditEntry]:
        return self._state.table("audit_log", list)

    def record(self, entries: Sequence[AuditEntry]) -> None:
        """Append entries."""
        for entry in entries:
            self._rows.append(replace(entry, id=self._state.next_seq("audit_log")))

    def list(self, query: AuditQuery, limit: int) -> list[AuditEntry]:
        """Entries matching the query, newest first."""
        return [entry for entry in reversed(self._rows) if _matches(entry, query)][:limit]

    def latest_of(self, organization_id: str, target_ids: Collection[str]) -> dict[str, AuditEntry]:
        """The newest entry of each of these targets."""
        latest: dict[str, AuditEntry] = {}
        for entry in self._rows:
            if entry.organization_id == organization_id and entry.target_id in target_ids:
                latest[entry.target_id] = entry
        return latest

    def oldest_id(self, organization_id: str) -> int | None:
        """The id of the organization's oldest entry still held (None when it holds none)."""
        return next((e.id for e in self._rows if e.organization_id == organization_id), None)
