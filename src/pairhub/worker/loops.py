"""Background loops of auto pairing and ingest: NotFound reminders and the unit-activity flush."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

import structlog

from pairhub.ports import StorageOutage
from pairhub.services.auto_pairing import AutoPairing
from pairhub.services.ingest import FLUSH_INTERVAL_SECONDS, Ingest
from pairhub.services.outage import Outage

log = structlog.get_logger("pairhub.worker")


class Host(Protocol):
    """What these loops need of the process's container."""

    @property
    def auto_pairing(self) -> AutoPairing:
        """The auto-pairing use cases."""
        ...

    @property
    def ingest(self) -> Ingest:
        """The ingest use case with its activity buffer."""
        ...


async def reminder_loop(host: Host, stopping: asyncio.Event) -> None:
    """Run due NotFound reminders until `stopping` is set (a background loop of every worker)."""
    service = host.auto_pairing
    outage = Outage("reminders")
    while not stopping.is_set():
        pause = service.policy.poll_interval_seconds
        try:
            handled = await asyncio.to_thread(service.run_due_reminders, service.clock.now_ms())
        except StorageOutage as error:
            # Due reminders stay due: they are sent once the database is back.
            pause = min(pause, outage.failed(error))
        else:
            outage.succeeded()
            if handled:
                log.info("reminders_handled", count=handled)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=pause)


async def flush_loop(host: Host, stopping: asyncio.Event) -> None:
    """Write buffered unit activity about every second, and once more when stopping."""
    ingest = host.ingest
    try:
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=FLUSH_INTERVAL_SECONDS)
            await asyncio.to_thread(ingest.flush)
    finally:
        # Also on cancellation: whatever is pending is written before the process goes.
        ingest.flush()
