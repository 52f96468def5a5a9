"""The readiness probe of the in-memory storage: always ready (there is no schema to migrate)."""

from __future__ import annotations


class MemoryReadiness:
    """Answers `/readyz` when the storage lives in this process."""

    def ping(self) -> None:
        """Always answers."""

    def ping_write(self) -> None:
        """Always takes writes."""

    def schema_current(self) -> bool:
        """There is no stored schema: always current."""
        return True
