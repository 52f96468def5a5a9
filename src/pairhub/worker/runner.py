"""The delivery worker of a process: a coordinator, its steps, a sender, wake-ups and the gauges."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import random
import socket
import threading
import uuid
from collections.abc import Callable

import structlog

from pairhub.ports import Clock, Sender, Storage, StorageOutage
from pairhub.services.delivery import Delivery, DeliveryConfig, Job
from pairhub.services.outage import Outage
from pairhub.worker import gauges
from pairhub.worker.bodies import Bodies
from pairhub.worker.coordinator import Coordinator
from pairhub.worker.step import Step, StepRequest

log = structlog.get_logger("pairhub.delivery")

GAUGE_REFRESH_MS = 10_000
GAUGE_JOIN_S = 10.0


def default_worker_id() -> str:
    """Host, process and a random suffix: unique per worker process, readable in the attempt log."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[:100]


def _uniform_jitter() -> float:
    # Spreading retries needs no cryptographic randomness.
    return random.uniform(-1.0, 1.0)


class DeliveryWorker:
    """Deliver every subscription's events as signed, batched webhooks, at least once."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        delivery: Delivery,
        worker_id: str | None = None,
        jitter: Callable[[], float] | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self.delivery = delivery
        self.worker_id = worker_id or default_worker_id()
        self.jitter = jitter or _uniform_jitter
        self._bodies = Bodies()
        self._gauges_at: int | None = None
        self._gauges_thread: threading.Thread | None = None
        self._wake: tuple[asyncio.AbstractEventLoop, asyncio.Event, int] | None = None
        self._gauges_outage = Outage("delivery_gauges")
        self._running: Coordinator | None = None
        storage.on_outbox_commit(self._events_committed)

    @property
    def config(self) -> DeliveryConfig:
        """The delivery settings."""
        return self.delivery.config

    @property
    def health(self) -> str:
        """The delivery loop's state for `/readyz`: "ok", "stopped", or the outage it waits out."""
        running = self._running
        if running is None:
            return "stopped"
        return "waiting for the database" if running.outage.ongoing else "ok"

    def _events_committed(self) -> None:
        # Called from whichever thread committed events (or, on SQLite, on the loop when another process
        # rang): wake a running loop of this process at once instead of leaving them to the next poll.
        wake = self._wake
        if wake is not None:
            loop, event, loop_thread = wake
            if threading.get_ident() == loop_thread:
                event.set()
                return
            with contextlib.suppress(RuntimeError):  # the loop is shutting down
                loop.call_soon_threadsafe(event.set)

    def step(self, request: StepRequest) -> list[Job]:
        """One transaction: record finished attempts, lease, prepare jobs (run in a thread)."""
        # Built per step from the current settings: tests replace `jitter` on a live worker.
        step = Step(self._storage, self._clock.now_ms, self.config, self.worker_id, self.jitter, self._bodies)
        return step(request)

    def _step_and_gauges(self, request: StepRequest) -> list[Job]:
        jobs = self.step(request)
        self._refresh_gauges_in_background()
        return jobs

    async def run_once(self) -> int:
        """Serve every subscription with due work until it has none left now; return the attempts made."""
        try:
            async with self.delivery.sender() as sender:
                return await self._coordinator(sender).drain()
        finally:
            await self._gauges_done()

    async def run(self, stopping: asyncio.Event) -> None:
        """Deliver until `stopping` is set: many subscriptions in parallel, one batch in flight each."""
        woken = asyncio.Event()
        self._wake = (asyncio.get_running_loop(), woken, threading.get_ident())
        try:
            async with self.delivery.sender() as sender:
                self._running = self._coordinator(sender)
                await self._running.run(stopping, woken, self.config.poll_interval_s)
        finally:
            self._running = None
            self._wake = None
            await self._gauges_done()

    def _coordinator(self, sender: Sender) -> Coordinator:
        send = functools.partial(self.delivery.send, sender)
        return Coordinator(self._step_and_gauges, send, self.config.concurrency)

    async def _gauges_done(self) -> None:
        # The worker leaves nothing running behind it: a refresh that outlived it could open a
        # connection after the storage was closed.
        thread = self._gauges_thread
        if thread is not None and thread.is_alive():
            await asyncio.to_thread(thread.join, GAUGE_JOIN_S)

    def _refresh_gauges_in_background(self) -> None:
        # The backlog gauge counts every subscription's waiting events: run it beside the steps, never
        # inside one, or every tenth second a step (and each delivery waiting on it) stalls.
        now = self._clock.now_ms()
        if self._gauges_at is not None and now - self._gauges_at < GAUGE_REFRESH_MS:
            return
        self._gauges_at = now
        self._gauges_thread = threading.Thread(
            target=self._refresh_gauges, name="delivery-gauges", daemon=True
        )
        self._gauges_thread.start()

    def _refresh_gauges(self) -> None:
        try:
            gauges.refresh(self._storage)
        except StorageOutage as error:
            self._gauges_outage.failed(error)
        except Exception:
            log.exception("delivery_gauges_failed")
        else:
            self._gauges_outage.succeeded()
