"""Operating delivery: redeliver, test sends, pause, inactive organizations, leases and crash resends."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from sqlalchemy import select

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.sql.tables import batches
from pairhub.bootstrap import Container
from pairhub.services.delivery import Job
from pairhub.worker.runner import DeliveryWorker
from pairhub.worker.step import StepRequest
from tests.delivery_support import (
    Receiver,
    Reply,
    claim_and_prepare,
    delivery_container,
    drain,
    pair_units,
    subscribe,
    unit_ids,
)
from tests.support import Api, Org

PATH = "/hook"


def path_of(org: Org, sub_id: str, suffix: str = "") -> str:
    return f"/v1/organizations/{org.id}/subscriptions/{sub_id}{suffix}"


def stored_bodies(container: Container) -> dict[str, str]:
    """Every batch's body as storage gives it back (rebuilt from the outbox's rendered events)."""
    with container.database.read() as connection:
        ids = [row.id for row in connection.execute(select(batches.c.id))]
    with container.storage.read() as uow:
        return {batch_id: batch.body for batch_id, batch in uow.batches.get_many(ids).items()}


async def test_redeliver_sends_the_same_id_and_bytes_again(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    pair_units(container, org.id, 1)
    await drain(container.delivery_worker)
    [first] = receiver.requests(PATH)

    response = api.client.post(
        path_of(org, sub["id"], f"/batches/{first.batch_id}/redeliver"), headers=org.headers
    )
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    await drain(container.delivery_worker)

    _, again = receiver.requests(PATH)
    assert (again.batch_id, again.body) == (first.batch_id, first.body)
    again.verify(sub["secret"])
    log = api.client.get(path_of(org, sub["id"], "/batches"), headers=org.headers).json()["data"]
    assert [b["status"] for b in log] == ["delivered"]
    assert len(log[0]["attemptLog"]) == 2
    assert log[0]["attempts"] == 2
    assert subscription_counters(api, org, sub["id"])["eventsDelivered"] == 1


def subscription_counters(api: Api, org: Org, sub_id: str) -> dict[str, Any]:
    counters: dict[str, Any] = api.client.get(path_of(org, sub_id), headers=org.headers).json()["counters"]
    return counters


def test_test_sends_one_signed_sample_and_reports_status_and_latency(api: Api, receiver: Receiver) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH), eventVersion=2, eventNames=["unit.paired"])
    receiver.script(PATH, 200, Reply(503, body="maintenance"))

    ok = api.client.post(path_of(org, sub["id"], "/test"), headers=org.headers)
    failing = api.client.post(path_of(org, sub["id"], "/test"), headers=org.headers)

    assert ok.status_code == 200
    assert ok.json()["delivered"] is True
    assert ok.json()["statusCode"] == 200
    assert isinstance(ok.json()["latencyMs"], int)
    assert failing.json()["delivered"] is False
    assert failing.json()["statusCode"] == 503
    assert failing.json()["responseExcerpt"] == "maintenance"
    sample = receiver.requests(PATH)[0]
    envelope = sample.verify(sub["secret"])
    assert envelope["eventBatchId"] == ok.json()["eventBatchId"]
    assert envelope["eventsData"][0]["eventVersion"] == 2
    # A test is not part of the delivery log.
    assert api.client.get(path_of(org, sub["id"], "/batches"), headers=org.headers).json()["data"] == []


async def test_paused_subscriptions_buffer_until_unpaused(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    paused = api.client.patch(path_of(org, sub["id"]), json={"state": "paused"}, headers=org.headers)
    assert paused.json()["state"] == "paused"
    units = pair_units(container, org.id, 2)

    await drain(container.delivery_worker)
    assert receiver.requests(PATH) == []
    assert api.client.get(path_of(org, sub["id"]), headers=org.headers).json()["backlogEvents"] == 2

    api.client.patch(path_of(org, sub["id"]), json={"state": "active"}, headers=org.headers)
    await drain(container.delivery_worker)
    assert unit_ids(receiver.requests(PATH)) == units


async def test_no_fan_out_while_the_datahub_subscription_is_inactive(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    subscribe(api, org, receiver.url(PATH))
    api.client.patch(
        f"/v1/organizations/{org.id}", json={"datahubSubscriptionActive": False}, headers=api.admin
    )
    units = pair_units(container, org.id, 1)

    await drain(container.delivery_worker)
    assert receiver.requests(PATH) == []

    api.client.patch(
        f"/v1/organizations/{org.id}", json={"datahubSubscriptionActive": True}, headers=api.admin
    )
    await drain(container.delivery_worker)
    assert unit_ids(receiver.requests(PATH)) == units


async def test_a_batch_frozen_before_a_crash_is_resent_identically_after_the_lease(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    pair_units(container, org.id, 3)
    # The batch is frozen and the cursor moved; then the process dies.
    [job] = claim_and_prepare(container.delivery_worker)
    survivor = DeliveryWorker(container.storage, clock, container.delivery, worker_id="survivor")

    assert await survivor.run_once() == 0  # the dead worker's lease still holds
    clock.advance(container.delivery_worker.config.lease_ms / 1000)
    assert await survivor.run_once() == 1

    [request] = receiver.requests(PATH)
    assert request.batch_id == job.batch_id
    assert request.body == job.body == stored_bodies(container)[job.batch_id].encode()
    assert unit_ids([request]) == ["tp:000000", "tp:000001", "tp:000002"]
    assert request.verify(sub["secret"])


async def test_a_crash_with_the_next_batch_cut_ahead_resends_both_in_order_with_their_ids(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock, database_url: str
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH), maxBatchSize=2)
    units = pair_units(container, org.id, 5)
    # The first batch is frozen and sent, the second cut ahead behind it; then the process dies.
    [job] = claim_and_prepare(container.delivery_worker)
    in_flight = {sub["id"]: job.batch_id}
    ahead = StepRequest((), (), (), 0, frozenset(in_flight), cut_next=in_flight)
    assert container.delivery_worker.step(ahead) == []
    with container.storage.read() as uow:
        first, ahead = uow.batches.pending_of([sub["id"]])[sub["id"]]
    assert (first.id, first.event_count, ahead.event_count, ahead.next_attempt_at) == (
        job.batch_id,
        2,
        2,
        None,
    )

    # The storage opened again by a new process, once the dead worker's lease has expired.
    clock.advance(container.delivery_worker.config.lease_ms / 1000)
    with delivery_container(database_url, clock) as reopened:
        survivor = DeliveryWorker(reopened.storage, clock, reopened.delivery, worker_id="survivor")
        assert await drain(survivor) == 3

    received = receiver.requests(PATH)
    assert [r.batch_id for r in received[:2]] == [first.id, ahead.id]
    assert received[0].body == job.body
    assert received[1].body == stored_bodies(container)[ahead.id].encode()
    assert unit_ids(received) == units
    assert all(request.verify(sub["secret"]) for request in received)


async def test_subscriptions_are_served_in_parallel(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    subscribe(api, org, receiver.url("/slow"))
    fast = [subscribe(api, org, receiver.url(f"/fast{n}")) for n in range(3)]
    receiver.script("/slow", Reply(hang=True))
    pair_units(container, org.id, 1)

    await container.delivery_worker.run_once()

    for number in range(len(fast)):
        assert len(receiver.requests(f"/fast{number}")) == 1
    assert len(receiver.requests("/slow")) == 1


async def test_metrics_count_attempts_by_outcome(api: Api, container: Container, receiver: Receiver) -> None:
    org = api.new_org()
    subscribe(api, org, receiver.url(PATH))
    pair_units(container, org.id, 1)
    await drain(container.delivery_worker)

    text = api.client.get("/metrics").text

    assert 'pairhub_webhook_attempts_total{outcome="delivered",result="succeeded"}' in text
    assert "pairhub_webhook_backlog_events" in text
    assert "pairhub_webhook_subscriptions_on_hold" in text


async def test_the_worker_loop_is_woken_by_committed_events(
    api: Api, database_url: str, clock: ManualClock, receiver: Receiver
) -> None:
    # A poll interval of a minute: only the commit wake-up can deliver within the wait below.
    with delivery_container(database_url, clock, delivery_poll_interval=60.0) as container:
        org = api.new_org()
        subscribe(api, org, receiver.url(PATH))
        first_round = threading.Event()
        step = container.delivery_worker.step

        def observed_step(request: StepRequest) -> list[Job]:
            jobs = step(request)
            first_round.set()
            return jobs

        container.delivery_worker.step = observed_step  # type: ignore[method-assign]
        stopping = asyncio.Event()
        worker = asyncio.create_task(container.delivery_worker.run(stopping))
        assert await asyncio.to_thread(first_round.wait, 10)  # the loop now waits for its next poll
        units = await asyncio.to_thread(pair_units, container, org.id, 2)

        arrived = await asyncio.to_thread(receiver.wait_until, lambda seen: len(unit_ids(seen)) == 2, 20)
        stopping.set()
        await worker

    assert arrived
    assert unit_ids(receiver.requests(PATH)) == units
