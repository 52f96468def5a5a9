"""The delivery coordinator (asyncio only): concurrent sends around steps, one batch in flight each.

Between steps it collects finished attempts; each step (`pairhub.worker.step`, run in a thread) is one
transaction that records them, prepares the next jobs of those subscriptions, leases new ones up
to the free capacity, and cuts the next batch of those whose batch just left (queued behind it).
Whatever the receivers do, the coordinator only starts and awaits tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence

import structlog

from pairhub.domain import delivery, fair_shares
from pairhub.domain.fair_shares import Candidate
from pairhub.ports import SendResult, StorageOutage
from pairhub.services.delivery import Job
from pairhub.services.outage import Outage
from pairhub.worker.recording import Finished
from pairhub.worker.step import PER_STEP, StepRequest

log = structlog.get_logger("pairhub.delivery")

BATCHES_PER_LEASE = 50
"""A worker gives a busy subscription back after this many attempts so the others get their turn."""
RECORD_WITHIN_S = 0.05
"""A delivery left for the next step is recorded within this long at most, whatever the poll interval:
the delivery log shows it delivered moments after the receiver answered."""


def _in_turns(finished: list[Finished], everything: bool) -> tuple[list[Finished], list[Finished]]:
    """The finished attempts to record now (each organization's first, then each one's second, …).

    A step records at most `PER_STEP` of them: one tenant's wave of timeouts never makes a step long,
    and so never every other tenant's next delivery, which waits for it.
    """
    if everything or len(finished) <= PER_STEP:
        return finished, []
    by_organization: dict[str, list[Finished]] = {}
    for item in finished:
        by_organization.setdefault(item.job.organization_id, []).append(item)
    ordered = [
        item for turn in itertools.zip_longest(*by_organization.values()) for item in turn if item is not None
    ]
    return ordered[:PER_STEP], ordered[PER_STEP:]


Step = Callable[[StepRequest], list[Job]]
Send = Callable[[Job], Awaitable[SendResult]]


class Coordinator:
    """One batch in flight per subscription; outcomes and next jobs committed together, in bulk."""

    def __init__(self, step: Step, send: Send, concurrency: int) -> None:
        self._step = step
        self._send = send
        self._concurrency = concurrency
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        self._organizations: Counter[str] = Counter()
        """Attempts in flight per organization: the slots each one holds."""
        self._finished: list[Finished] = []
        self._served: dict[str, int] = {}
        self._ready = asyncio.Event()
        self._claim_more = False
        """The last claim leased as many as a step may: more may be due now."""
        self._woken: asyncio.Event | None = None
        """Set by `run`: new events were committed; a delivery that drained its subscription is recorded
        by the next step only if no events came since its batch was cut."""
        self._wakes = 0
        self._wakes_at_start: dict[str, int] = {}
        self._cut_next: dict[str, str] = {}
        """Subscriptions whose job just started with `Job.cut_next`, by batch: the next step cuts ahead."""
        self.attempts = 0
        self.attempts_finished = 0
        self.outage = Outage("delivery")

    @property
    def step_due(self) -> bool:
        """True when a finished attempt asks for a step now."""
        return self._ready.is_set()

    async def drain(self) -> int:
        """Lease once, then serve those subscriptions until none has work due now; return the attempts."""
        try:
            await self.advance(claim=True)
            while self._in_flight or self._finished or self._claim_more:
                await self._ready.wait()
                await self.advance(claim=self._claim_more)
        finally:
            await self._settle()
        return self.attempts

    async def run(self, stopping: asyncio.Event, woken: asyncio.Event, poll_interval_s: float) -> None:
        """Step whenever an attempt finishes, events are committed here, or the poll interval passes.

        A delivered batch after which its subscription had nothing due (`Job.drains`) does not start a
        step of its own at once: it is recorded by the next one, which new events, another finished
        attempt or `RECORD_WITHIN_S` start. At a steady trickle of events that halves the transactions
        per event.
        """
        self._woken = woken
        try:
            while not stopping.is_set():
                if woken.is_set():
                    self._wakes += 1
                    woken.clear()
                try:
                    await self.advance(claim=True)
                except StorageOutage as error:  # leases expire, batches stay; one log line per outage
                    await _first_of((stopping,), max(poll_interval_s, self.outage.failed(error)))
                    continue
                except Exception as error:
                    log.error("delivery_failed", error=repr(error))
                    await _first_of((stopping,), poll_interval_s)
                    continue
                self.outage.succeeded()
                if not self._ready.is_set():
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
        finished, self._finished = _in_turns(self._finished, closing)
        self._ready.clear()
        if self._finished:
            self._ready.set()  # the rest is recorded by the next step, at once
        going_on: list[Candidate] = []
        give_back: list[str] = []
        for item in finished:
            job = item.job
            done = closing or self._served.get(job.subscription_id, 0) >= BATCHES_PER_LEASE
            if done:
                give_back.append(job.subscription_id)
            else:
                going_on.append(Candidate(job.subscription_id, job.organization_id))
        keep = [c.subscription_id for c in going_on]
        if claim:
            # A subscription goes on only within its organization's share (or a slot lent to it).
            keep = fair_shares.admit(self._concurrency, self._organizations, going_on)
            kept = set(keep)
            give_back += [c.subscription_id for c in going_on if c.subscription_id not in kept]
        holding = self._organizations.copy()
        holding.update(c.organization_id for c in going_on if c.subscription_id in set(keep))
        busy = frozenset(self._in_flight).union(keep)
        # Only behind batches still in flight: one answered already is recorded, and its next cut, as usual.
        cut_next = {} if closing else {s: b for s, b in self._cut_next.items() if s in self._in_flight}
        self._cut_next = {}
        request = StepRequest(
            finished, keep, give_back, self._concurrency if claim else 0, busy, holding, cut_next
        )
        try:
            jobs = await asyncio.to_thread(self._step, request)
        finally:
            for subscription_id in (*keep, *give_back):
                self._served.pop(subscription_id, None)
        for job in jobs:
            self._start(job)
        self._claim_more = claim and len(jobs) >= PER_STEP
        if self._claim_more or self._cut_next:
            # More may be due: lease them in the next step, at once; or cut ahead while these are away.
            self._ready.set()
        return len(jobs)

    def _start(self, job: Job) -> None:
        subscription_id = job.subscription_id
        self._served[subscription_id] = self._served.get(subscription_id, 0) + 1
        self.attempts += 1
        self._in_flight[subscription_id] = asyncio.create_task(self._attempt(job))
        self._organizations[job.organization_id] += 1
        self._wakes_at_start[subscription_id] = self._wakes
        if job.cut_next:
            self._cut_next[subscription_id] = job.batch_id

    def _quiet_since(self, wakes_at_start: int | None) -> bool:
        """True in `run` when no events were committed since a job that started then."""
        woken = self._woken
        return woken is not None and not woken.is_set() and wakes_at_start == self._wakes

    async def _attempt(self, job: Job) -> None:
        try:
            result = await self._send(job)
        except Exception as error:  # a sender bug must not leave the subscription stuck
            result = SendResult(status=None, excerpt="", duration_ms=0, error=repr(error))
        del self._in_flight[job.subscription_id]
        self._organizations[job.organization_id] -= 1
        if not self._organizations[job.organization_id]:
            del self._organizations[job.organization_id]
        wakes_at_start = self._wakes_at_start.pop(job.subscription_id, None)
        finished = Finished(job, result)
        self._finished.append(finished)
        self.attempts_finished += 1
        if job.drains and delivery.is_success(result.status) and self._quiet_since(wakes_at_start):
            asyncio.get_running_loop().call_later(RECORD_WITHIN_S, self._record_if_still_waiting, finished)
        else:
            self._ready.set()

    def _record_if_still_waiting(self, finished: Finished) -> None:
        if any(waiting is finished for waiting in self._finished):
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
