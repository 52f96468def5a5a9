"""The retention job: delete what is past its retention in small batches, and count what went.

Each batch is one short transaction of at most `retention_batch` rows; between batches the loop
yields, so delivery steps (and, on SQLite, every other writer) take their turn. What a subscription or
an active feed has not passed never goes (`adapters/sql/retention.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import structlog
from prometheus_client import Counter

from pairhub.domain.idempotency import IDEMPOTENCY_WINDOW_MS
from pairhub.ports import Clock, StorageOutage
from pairhub.services.outage import Outage

log = structlog.get_logger("pairhub.retention")

PRUNED = Counter("pairhub_pruned_rows_total", "Rows deleted by the retention job, by table.", ["table"])
DAY_MS = 86_400_000


class Pruner(Protocol):
    """The deletions of one batch each (implemented in SQL by `adapters/sql/retention.SqlPruner`)."""

    def attempts(self, before_ms: int, limit: int) -> int:
        """Attempts logged before `before_ms`."""
        ...

    def events(self, before_ms: int, limit: int) -> int:
        """Events registered before `before_ms` that nothing still needs."""
        ...

    def batches(self, before_ms: int, limit: int) -> int:
        """Finished batches completed before `before_ms` without attempts left."""
        ...

    def diagnoses(self, keep_per_unit: int, limit: int) -> int:
        """Diagnoses beyond each unit's newest `keep_per_unit`."""
        ...

    def sessions(self, now_ms: int, limit: int) -> int:
        """Expired UI sessions."""
        ...

    def invitations(self, now_ms: int, limit: int) -> int:
        """Expired invitation and password-reset links."""
        ...

    def audit(self, before_ms: int, limit: int) -> int:
        """Audit entries recorded before `before_ms`."""
        ...

    def idempotency_keys(self, before_ms: int, limit: int) -> int:
        """Idempotency keys first used before `before_ms`, with their stored answers."""
        ...


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each kind of history is kept (ms), and the size of one deletion batch."""

    delivered_events_ms: int
    attempts_ms: int
    diagnoses_per_unit: int
    batch: int
    audit_ms: int = 400 * DAY_MS


class Retention:
    """One pass over every table; `run` repeats batches until a table has nothing more past its horizon."""

    def __init__(self, pruner: Pruner, clock: Clock, policy: RetentionPolicy) -> None:
        self.pruner = pruner
        self.clock = clock
        self.policy = policy

    def steps(self) -> list[tuple[str, Callable[[], int]]]:
        """The deletion batches of one pass, by table, with the horizons of now."""
        now, policy, pruner = self.clock.now_ms(), self.policy, self.pruner
        return [
            ("attempts", lambda: pruner.attempts(now - policy.attempts_ms, policy.batch)),
            ("events", lambda: pruner.events(now - policy.delivered_events_ms, policy.batch)),
            ("batches", lambda: pruner.batches(now - policy.delivered_events_ms, policy.batch)),
            ("pairing_diagnoses", lambda: pruner.diagnoses(policy.diagnoses_per_unit, policy.batch)),
            ("ui_sessions", lambda: pruner.sessions(now, policy.batch)),
            ("invitations", lambda: pruner.invitations(now, policy.batch)),
            ("audit_log", lambda: pruner.audit(now - policy.audit_ms, policy.batch)),
            # Past its window a key answers nothing again (a retry under it runs afresh): it can go.
            ("idempotency_keys", lambda: pruner.idempotency_keys(now - IDEMPOTENCY_WINDOW_MS, policy.batch)),
        ]

    async def run(self) -> dict[str, int]:
        """Prune every table batch by batch, yielding between batches; how many rows went, by table."""
        removed: dict[str, int] = {}
        for table, step in self.steps():
            while True:
                count = await asyncio.to_thread(step)
                if count:
                    PRUNED.labels(table).inc(count)
                    removed[table] = removed.get(table, 0) + count
                if count < self.policy.batch:
                    break
                await asyncio.sleep(0)  # let the delivery steps in between two batches
        if removed:
            log.info("retention_pruned", **removed)
        return removed


async def retention_loop(retention: Retention, interval_s: float, stopping: asyncio.Event) -> None:
    """Prune every `interval_s` until `stopping` is set; an outage is waited out like in the other loops."""
    outage = Outage("retention")
    while not stopping.is_set():
        pause = interval_s
        try:
            await retention.run()
        except StorageOutage as error:
            pause = min(interval_s, outage.failed(error))
        else:
            outage.succeeded()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=pause)
