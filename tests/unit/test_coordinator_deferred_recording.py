"""The coordinator records a delivered batch that drained its subscription a moment later, with other work."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from pairhub.ports import SendResult
from pairhub.services.delivery import Job
from pairhub.worker import coordinator as coordinator_module
from pairhub.worker.coordinator import Coordinator
from pairhub.worker.step import StepRequest

POLL_S = 3600.0
"""Long enough that only a finished attempt or a wake-up can start a step while a test runs."""


def _job(drains: bool) -> Job:
    return Job("s1", "o1", "https://example.com", {}, ("secret",), "b1", b"{}", 1, drains=drains)


class Steps:
    """A fake step: hands out `jobs` on its first call and remembers every request."""

    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        self.requests: list[StepRequest] = []
        self.called = asyncio.Event()

    def __call__(self, request: StepRequest) -> list[Job]:
        self.requests.append(request)
        self.called.set()
        jobs, self.jobs = self.jobs, []
        return jobs


async def _until(condition: Callable[[], object]) -> None:
    """Wait for `condition` (steps run in a thread), failing after a generous while."""
    for _ in range(10_000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the condition never held")


async def _run(
    drains: bool, status: int
) -> tuple[Steps, asyncio.Event, asyncio.Event, asyncio.Task[None], Coordinator]:
    steps = Steps([_job(drains)])
    sent = asyncio.Event()

    async def send(job: Job) -> SendResult:
        sent.set()
        return SendResult(status=status, excerpt="", duration_ms=1)

    coordinator = Coordinator(steps, send, concurrency=4)
    stopping, woken = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(coordinator.run(stopping, woken, POLL_S))
    await sent.wait()
    await _until(lambda: coordinator.attempts_finished)
    return steps, stopping, woken, task, coordinator


async def test_a_delivered_batch_that_drained_its_subscription_waits_for_other_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(coordinator_module, "RECORD_WITHIN_S", POLL_S)
    steps, stopping, woken, task, coordinator = await _run(drains=True, status=200)

    assert not coordinator.step_due
    await asyncio.sleep(0.2)  # room for a step the finished attempt must not start
    assert len(steps.requests) == 1
    woken.set()  # new events: the step they start records the delivery too
    await _until(lambda: len(steps.requests) == 2)
    assert [f.job.batch_id for f in steps.requests[1].finished] == ["b1"]
    stopping.set()
    await task


async def test_a_delivered_batch_that_drained_its_subscription_is_recorded_a_moment_later() -> None:
    steps, stopping, _, task, coordinator = await _run(drains=True, status=200)

    assert not coordinator.step_due  # no step of its own at once
    # The poll interval is an hour: the step that records it is the one RECORD_WITHIN_S starts.
    await _until(lambda: len(steps.requests) == 2)
    assert [f.job.batch_id for f in steps.requests[1].finished] == ["b1"]
    stopping.set()
    await task


@pytest.mark.parametrize(("drains", "status"), [(False, 200), (True, 503)])
async def test_other_finished_attempts_start_a_step_at_once(drains: bool, status: int) -> None:
    steps, stopping, _, task, _ = await _run(drains, status)

    await _until(lambda: len(steps.requests) == 2)
    assert [f.job.batch_id for f in steps.requests[1].finished] == ["b1"]
    stopping.set()
    await task


async def test_a_deferred_delivery_is_recorded_when_the_worker_stops() -> None:
    steps, stopping, _, task, _ = await _run(drains=True, status=200)

    stopping.set()
    await task
    assert [f.job.batch_id for f in steps.requests[-1].finished] == ["b1"]


async def test_events_committed_while_the_batch_was_in_flight_start_a_step_when_it_returns() -> None:
    steps = Steps([_job(drains=True)])
    sent, answer = asyncio.Event(), asyncio.Event()

    async def send(job: Job) -> SendResult:
        sent.set()
        await answer.wait()
        return SendResult(status=200, excerpt="", duration_ms=1)

    coordinator = Coordinator(steps, send, concurrency=4)
    stopping, woken = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(coordinator.run(stopping, woken, POLL_S))
    await sent.wait()
    woken.set()  # events committed meanwhile: the subscription has work again
    await _until(lambda: len(steps.requests) == 2)  # the wake-up's step (the batch is still in flight)
    answer.set()

    await _until(lambda: len(steps.requests) == 3)
    assert [f.job.batch_id for f in steps.requests[2].finished] == ["b1"]
    stopping.set()
    await task
