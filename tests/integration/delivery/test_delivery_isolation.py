"""One subscription's trouble stays its own: odd answers and failures while recording or preparing it.

Several subscriptions go through ONE worker step with real HTTP receivers; one receiver answers 503
with `Retry-After: ²` (UTF-8 bytes that `str.isdigit` calls a digit), and recording another one
fails. Every other subscription's result of that step is committed and never sent twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import update

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.sql.tables import subscriptions as subscriptions_table
from pairhub.bootstrap import Container
from pairhub.domain.subscriptions import Subscription
from pairhub.ports import Storage, UnitOfWork
from pairhub.services.delivery import Job
from pairhub.worker.recording import Finished
from pairhub.worker.runner import DeliveryWorker
from pairhub.worker.step import StepRequest
from tests.delivery_support import (
    Receiver,
    Reply,
    claim_and_prepare,
    pair_units,
    subscribe,
)
from tests.hostile_support import HostileReceiver, raw
from tests.support import Api, Org


class BrokenSubscriptions:
    """A subscription repository whose bulk save fails whenever it includes one subscription."""

    def __init__(self, inner: Any, broken_id: str | None) -> None:
        self._inner = inner
        self._broken_id = broken_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def save_many(self, subscriptions: list[Subscription], worker: str, lease_until: int) -> None:
        """Fail like a storage that cannot write this one subscription."""
        if any(sub.id == self._broken_id for sub in subscriptions):
            raise RuntimeError("the disk refused this subscription")
        self._inner.save_many(subscriptions, worker, lease_until)


class BrokenUnitOfWork:
    """The real unit of work, with the broken subscription repository."""

    def __init__(self, inner: UnitOfWork, broken_id: str | None) -> None:
        self._inner = inner
        self.subscriptions = BrokenSubscriptions(inner.subscriptions, broken_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class BrokenStorage:
    """The container's storage, except that saving one subscription's delivery state fails once armed."""

    def __init__(self, inner: Storage, broken_id: str) -> None:
        self._inner = inner
        self._broken_id = broken_id
        self.armed = False

    @contextmanager
    def write(self) -> Iterator[Any]:
        """A real transaction with the fault injected."""
        with self._inner.write() as uow:
            yield BrokenUnitOfWork(uow, self._broken_id if self.armed else None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def log_of(api: Api, org: Org, sub_id: str) -> list[dict[str, Any]]:
    """The subscription's delivery log, newest batch first."""
    response = api.client.get(
        f"/v1/organizations/{org.id}/subscriptions/{sub_id}/batches", headers=org.headers
    )
    assert response.status_code == 200, response.text
    batches: list[dict[str, Any]] = response.json()["data"]
    return batches


async def send_all(container: Container, jobs: list[Job]) -> list[Finished]:
    """Send every job at once, as the coordinator does, and keep what came back."""
    async with container.delivery.sender() as sender:
        results = await asyncio.gather(*(container.delivery.send(sender, job) for job in jobs))
    return [Finished(job, result) for job, result in zip(jobs, results, strict=True)]


async def test_an_odd_answer_and_a_failed_recording_cost_only_their_own_subscriptions(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    subs = {name: subscribe(api, org, receiver.url(f"/{name}")) for name in ("fine", "also", "odd", "broken")}
    # aiohttp writes header values as UTF-8: the receiver sends the bytes C2 B2.
    receiver.always("/odd", Reply(503, headers={"Retry-After": "²"}, body="busy"))
    pair_units(container, org.id, 2)
    storage = BrokenStorage(container.storage, subs["broken"]["id"])
    worker = DeliveryWorker(
        storage,
        clock,
        container.delivery,
        worker_id="isolation-test",
        jitter=lambda: 0.0,
    )

    jobs = claim_and_prepare(worker)
    assert sorted(job.subscription_id for job in jobs) == sorted(sub["id"] for sub in subs.values())
    finished = await send_all(container, jobs)
    odd = next(f for f in finished if f.job.subscription_id == subs["odd"]["id"])
    assert odd.result.status == 503 and odd.result.retry_after == "²"

    # One step records all four: the odd answer and the broken recording must not cost the others.
    storage.armed = True
    ids = [job.subscription_id for job in jobs]
    request = StepRequest(finished, keep=ids, give_back=(), claim=0, busy=frozenset())
    assert await asyncio.to_thread(worker.step, request) == []

    for name in ("fine", "also"):
        [batch] = log_of(api, org, subs[name]["id"])
        assert batch["status"] == "delivered"
        assert [a["outcome"] for a in batch["attemptLog"]] == ["delivered"]
    [held] = log_of(api, org, subs["odd"]["id"])
    assert held["status"] == "pending"
    assert held["nextAttemptAt"] is not None
    [attempt] = held["attemptLog"]
    assert (attempt["statusCode"], attempt["outcome"]) == (503, "retry")
    assert "Retry-After '²' ignored" in attempt["error"]
    [stuck] = log_of(api, org, subs["broken"]["id"])
    assert stuck["status"] == "pending"
    [failed] = stuck["attemptLog"]
    assert failed["outcome"] == "error"
    assert failed["statusCode"] == 200
    assert "the disk refused this subscription" in failed["error"]

    # Nothing was left leased or pending for the good ones: the next rounds send none of them again.
    assert await container.delivery_worker.run_once() == 0
    clock.advance(5)
    assert await container.delivery_worker.run_once() == 0
    for name in ("fine", "also"):
        assert len(receiver.requests(f"/{name}")) == 1
    counters = api.client.get(
        f"/v1/organizations/{org.id}/subscriptions/{subs['fine']['id']}", headers=org.headers
    ).json()["counters"]
    assert counters["eventsDelivered"] == 2


async def test_a_subscription_with_a_corrupt_stored_value_does_not_stop_the_others(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    good = [subscribe(api, org, receiver.url(f"/good{n}")) for n in range(2)]
    bad = subscribe(api, org, receiver.url("/bad"))
    with container.database.write() as connection:
        connection.execute(
            update(subscriptions_table)
            .where(subscriptions_table.c.id == bad["id"])
            .values(custom_headers="{not json")
        )
    pair_units(container, org.id, 1)

    jobs = claim_and_prepare(container.delivery_worker)

    assert sorted(job.subscription_id for job in jobs) == sorted(sub["id"] for sub in good)
    finished = await send_all(container, jobs)
    ids = [job.subscription_id for job in jobs]
    request = StepRequest(finished, keep=ids, give_back=(), claim=0, busy=frozenset())
    await asyncio.to_thread(container.delivery_worker.step, request)
    for sub in good:
        [batch] = log_of(api, org, sub["id"])
        assert batch["status"] == "delivered"
    assert receiver.requests("/bad") == []


async def test_impossible_statuses_and_bytes_are_logged_readably_beside_the_others(
    api: Api, container: Container, receiver: Receiver
) -> None:
    # Status 999, a Retry-After that is not UTF-8, a body with NUL bytes (PostgreSQL refuses NUL in text).
    answer = (
        b"HTTP/1.1 999 Odd\r\nRetry-After: \xb2\xff\r\nContent-Length: 6\r\nConnection: close\r\n\r\n"
        b"A\x00B\xffCD"
    )
    with HostileReceiver({"/raw": raw(answer)}) as hostile:
        org = api.new_org()
        fine = subscribe(api, org, receiver.url("/fine"))
        odd = subscribe(api, org, hostile.url("/raw"))
        pair_units(container, org.id, 1)

        assert await container.delivery_worker.run_once() == 2

    [delivered] = log_of(api, org, fine["id"])
    assert delivered["status"] == "delivered"
    [refused] = log_of(api, org, odd["id"])
    assert refused["status"] == "failed"  # neither 2xx nor retryable: the receiver refused the batch
    [attempt] = refused["attemptLog"]
    assert attempt["statusCode"] == 999
    assert "\x00" not in attempt["responseExcerpt"]
    assert attempt["responseExcerpt"].startswith("A")
    assert "ignored: neither seconds nor an HTTP date" in attempt["error"]
