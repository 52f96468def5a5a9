"""The delivery coordinator: concurrent sends around group-committed transactions, one per step.

Each step is ONE write transaction for many subscriptions at once: it records every attempt that has
finished since the previous step, prepares the next job of those subscriptions, leases new ones up to
the free capacity and prepares theirs, and gives back the leases of subscriptions left with nothing to
do. On SQLite every write transaction costs an fsync and the write lock, so amortizing them over many
subscriptions is what lets delivery keep up with the network.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import structlog

from pairhub.ports import SendResult

log = structlog.get_logger("pairhub.delivery")

BATCHES_PER_LEASE = 50
"""A worker gives a busy subscription back after this many attempts so the others get their turn."""


@dataclass(frozen=True)
class Job:
    """One attempt to make: a frozen batch and everything needed to sign and send it."""

    subscription_id: str
    url: str
    headers: dict[str, str]
    secrets: tuple[str, ...]
    batch_id: str
    body: bytes
    event_count: int


Finished = tuple[Job, SendResult]


@dataclass(frozen=True)
class StepRequest:
    """What one transaction is asked to do."""

    finished: Sequence[Finished]
    """Attempts to record."""
    keep: Sequence[str]
    """Leased subscriptions (among the finished) whose next job to prepare."""
    give_back: Sequence[str]
    """Leased subscriptions (among the finished) to release after recording."""
    claim: int
    """How many more subscriptions to lease and prepare."""
    busy: frozenset[str]
    """Subscriptions with an attempt in flight here: never claimed again, whatever their lease says."""


Step = Callable[[StepRequest], list[Job]]
Send = Callable[[Job], Awaitable[SendResult]]


class DeliveryLoop:
    """One batch in flight per subscription; outcomes and next jobs committed together, in bulk."""

    def __init__(self, step: Step, send: Send, concurrency: int) -> None:
        self._step = step
        self._send = send
        self._concurrency = concurrency
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        self._finished: list[Finished] = []
        self._served: dict[str, int] = {}
        self._ready = asyncio.Event()
        self.attempts = 0

    async def drain(self) -> int:
        """Lease once, then serve those subscriptions until none has work due now; return the attempts."""
        try:
            await self.advance(claim=True)
            while self._in_flight or self._finished:
                await self._ready.wait()
                await self.advance(claim=False)
        finally:
            await self._settle()
        return self.attempts

    async def run(self, stopping: asyncio.Event, woken: asyncio.Event, poll_interval_s: float) -> None:
        """Step whenever an attempt finishes, events are committed here, or the poll interval passes."""
        try:
            while not stopping.is_set():
                woken.clear()
                try:
                    await self.advance(claim=True)
                except Exception as error:  # the database is unavailable: leases expire, batches stay
                    log.error("delivery_failed", error=repr(error))
                    await _first_of((stopping,), poll_interval_s)
                    continue
                if not self._finished:
                    # A slow receiver holds back nobody: any finished attempt starts the next step.
                    await _first_of((stopping, woken, self._ready), poll_interval_s)
        finally:
            # In-flight attempts end within the delivery timeout; record them and give everything back.
            await self._settle()
            if self._finished:
                try:
                    await self.advance(claim=False, closing=True)
                except Exception as error:  # the leases expire by themselves
                    log.error("delivery_failed", error=repr(error))

    async def advance(self, claim: bool, closing: bool = False) -> int:
        """One transaction: record what finished, start the next jobs; return how many started."""
        finished, self._finished = self._finished, []
        self._ready.clear()
        keep: list[str] = []
        give_back: list[str] = []
        for job, _ in finished:
            done = closing or self._served.get(job.subscription_id, 0) >= BATCHES_PER_LEASE
            (give_back if done else keep).append(job.subscription_id)
        capacity = self._concurrency - len(self._in_flight) - len(keep) if claim else 0
        busy = frozenset(self._in_flight).union(keep)
        request = StepRequest(finished, keep, give_back, max(0, capacity), busy)
        try:
            jobs = await asyncio.to_thread(self._step, request)
        finally:
            for subscription_id in (*keep, *give_back):
                self._served.pop(subscription_id, None)
        for job in jobs:
            self._start(job)
        return len(jobs)

    def _start(self, job: Job) -> None:
        subscription_id = job.subscription_id
        self._served[subscription_id] = self._served.get(subscription_id, 0) + 1
        self.attempts += 1
        self._in_flight[subscription_id] = asyncio.create_task(self._attempt(job))

    async def _attempt(self, job: Job) -> None:
        try:
            result = await self._send(job)
        except Exception as error:  # a sender bug must not leave the subscription stuck
            result = SendResult(status=None, excerpt="", duration_ms=0, error=repr(error))
        del self._in_flight[job.subscription_id]
        self._finished.append((job, result))
        self._ready.set()

    async def _settle(self) -> None:
        await asyncio.gather(*self._in_flight.values(), return_exceptions=True)


async def _first_of(events: Sequence[asyncio.Event], timeout_s: float) -> None:
    """Wait until one of `events` is set, or `timeout_s` passes."""
    if any(event.is_set() for event in events):
        return
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*waiters, return_exceptions=True)
