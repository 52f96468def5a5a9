"""The audit log."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from pairhub.domain.audit import AuditEntry, AuditQuery


class AuditRepository(Protocol):
    """The audit log: appended in the transaction of each change."""

    def record(self, entries: Sequence[AuditEntry]) -> None:
        """Append entries."""
        ...

    def list(self, query: AuditQuery, limit: int) -> list[AuditEntry]:
        """Entries matching the query, newest first."""
        ...

    def latest_of(self, organization_id: str, target_ids: Collection[str]) -> dict[str, AuditEntry]:
        """The newest entry of each of these targets."""
        ...

    def oldest_id(self, organization_id: str) -> int | None:
        """The id of the organization's oldest entry still held (None when it holds none)."""
        ...
