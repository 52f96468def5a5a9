"""What each kind of receiver answer leads to, walked through on the manual clock with a real receiver."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from tests.delivery_support import (
    Receiver,
    Reply,
    drain,
    pair_units,
    subscribe,
    unit_ids,
)
from tests.support import Api, Org

PATH = "/hook"


def subscription(api: Api, org: Org, sub_id: str) -> dict[str, Any]:
    response = api.client.get(f"/v1/organizations/{org.id}/subscriptions/{sub_id}", headers=org.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def batches(api: Api, org: Org, sub_id: str, status: str | None = None) -> list[dict[str, Any]]:
    params = {"status": status} if status else {}
    response = api.client.get(
        f"/v1/organizations/{org.id}/subscriptions/{sub_id}/batches", params=params, headers=org.headers
    )
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


@pytest.mark.parametrize("status", [408, 429, 500, 503])
async def test_retryable_answers_are_retried_with_the_same_id_and_bytes(
    status: int, api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    receiver.script(PATH, status)
    pair_units(container, org.id, 1)

    await drain(container.delivery_worker)
    clock.advance(9.9)
    await drain(container.delivery_worker)
    assert len(receiver.requests(PATH)) == 1  # the first retry waits 10 s
    clock.advance(0.1)
    await drain(container.delivery_worker)

    first, second = receiver.requests(PATH)
    assert first.batch_id == second.batch_id
    assert first.body == second.body
    [batch] = batches(api, org, sub["id"])
    assert batch["status"] == "delivered"
    assert [(a["statusCode"], a["outcome"]) for a in batch["attemptLog"]] == [
        (status, "retry"),
        (200, "delivered"),
    ]


async def test_timeout_and_connection_errors_are_retried(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    slow = subscribe(api, org, receiver.url("/slow"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    refused = subscribe(api, org, f"http://127.0.0.1:{closed_port}/hook")
    receiver.script("/slow", Reply(hang=True))
    pair_units(container, org.id, 1)

    await drain(container.delivery_worker)

    [timed_out] = batches(api, org, slow["id"])
    [unreachable] = batches(api, org, refused["id"])
    for batch in (timed_out, unreachable):
        assert batch["status"] == "pending"
        assert batch["attemptLog"][0]["statusCode"] is None
        assert batch["attemptLog"][0]["outcome"] == "retry"
    assert "timeout" in timed_out["attemptLog"][0]["error"]
    assert "Connect" in unreachable["attemptLog"][0]["error"]
    clock.advance(10)
    await drain(container.delivery_worker)
    assert len(receiver.requests("/slow")) == 2
    assert batches(api, org, slow["id"])[0]["status"] == "delivered"


async def test_retry_after_is_honoured_up_to_one_hour(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    subscribe(api, org, receiver.url(PATH))
    subscribe(api, org, receiver.url("/capped"))
    receiver.script(PATH, Reply(429, headers={"Retry-After": "120"}))
    receiver.script("/capped", Reply(503, headers={"Retry-After": "86400"}))
    pair_units(container, org.id, 1)

    await drain(container.delivery_worker)
    clock.advance(119)
    await drain(container.delivery_worker)
    assert len(receiver.requests(PATH)) == 1
    clock.advance(1)
    await drain(container.delivery_worker)
    assert len(receiver.requests(PATH)) == 2

    clock.advance(3600 - 120 - 1)
    await drain(container.delivery_worker)
    assert len(receiver.requests("/capped")) == 1
    clock.advance(1)
    await drain(container.delivery_worker)
    assert len(receiver.requests("/capped")) == 2


async def test_other_4xx_and_3xx_fail_the_batch_and_delivery_goes_on(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH), maxBatchSize=1)
    receiver.script(PATH, 400, Reply(302, headers={"Location": receiver.url("/elsewhere")}), 200)
    units = pair_units(container, org.id, 3)

    await drain(container.delivery_worker)

    assert unit_ids(receiver.requests(PATH)) == units
    assert receiver.requests("/elsewhere") == []  # redirects are never followed
    assert [b["status"] for b in batches(api, org, sub["id"])] == ["delivered", "failed", "failed"]
    assert subscription(api, org, sub["id"])["counters"] == {
        "eventsDelivered": 1,
        "eventsRefused": 2,
        "eventsExpired": 0,
    }


async def test_410_disables_the_subscription_until_it_is_resumed(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    receiver.script(PATH, 410)
    pair_units(container, org.id, 1)

    await drain(container.delivery_worker)
    pair_units(container, org.id, 1, prefix="later")
    await drain(container.delivery_worker)

    shown = subscription(api, org, sub["id"])
    assert shown["state"] == "disabled"
    assert "410" in shown["disabledReason"]
    assert len(receiver.requests(PATH)) == 1
    resumed = api.client.post(
        f"/v1/organizations/{org.id}/subscriptions/{sub['id']}/resume", headers=org.headers
    )
    assert resumed.json()["state"] == "active"
    await drain(container.delivery_worker)
    requests = receiver.requests(PATH)
    assert requests[1].body == requests[0].body  # the held batch first, unchanged
    assert unit_ids(requests[1:]) == ["tp:000000", "later:000000"]


async def test_exhausted_retries_put_on_hold_probe_and_resume_by_themselves(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    receiver.script(PATH, 503, 503, 503, 503)
    pair_units(container, org.id, 1)

    await drain(container.delivery_worker)
    clock.advance(10)
    await drain(container.delivery_worker)
    clock.advance(20)
    await drain(container.delivery_worker)
    held = subscription(api, org, sub["id"])
    assert held["state"] == "onHold"
    assert held["onHoldReason"] == "3 attempts failed; last: HTTP 503"

    later = pair_units(container, org.id, 2, prefix="buffered")
    await drain(container.delivery_worker)
    assert len(receiver.requests(PATH)) == 3
    assert subscription(api, org, sub["id"])["backlogEvents"] == 3  # buffering, nothing dropped

    clock.advance(60)
    await drain(container.delivery_worker)  # a probe with the held batch: still 503
    assert subscription(api, org, sub["id"])["state"] == "onHold"
    clock.advance(60)
    await drain(container.delivery_worker)  # the probe succeeds, the buffered events follow at once

    requests = receiver.requests(PATH)
    assert len({r.batch_id for r in requests[:5]}) == 1
    assert unit_ids(requests[4:]) == ["tp:000000", *later]
    resumed = subscription(api, org, sub["id"])
    assert resumed["state"] == "active"
    assert resumed["onHoldSince"] is None
    assert resumed["counters"]["eventsDelivered"] == 3


async def test_resume_sends_a_held_batch_at_once(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    receiver.script(PATH, 500, 500, 500)
    pair_units(container, org.id, 1)
    await drain(container.delivery_worker)
    clock.advance(10)
    await drain(container.delivery_worker)
    clock.advance(20)
    await drain(container.delivery_worker)
    assert subscription(api, org, sub["id"])["state"] == "onHold"

    api.client.post(f"/v1/organizations/{org.id}/subscriptions/{sub['id']}/resume", headers=org.headers)
    await drain(container.delivery_worker)

    assert len(receiver.requests(PATH)) == 4
    assert subscription(api, org, sub["id"])["state"] == "active"


async def test_events_older_than_the_retention_expire_counted_and_visible(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH), maxBatchSize=2)
    receiver.always(PATH, 503)
    pair_units(container, org.id, 2)
    await drain(container.delivery_worker)
    clock.advance(10)
    await drain(container.delivery_worker)
    clock.advance(20)
    await drain(container.delivery_worker)
    pair_units(container, org.id, 3, prefix="buffered")
    assert subscription(api, org, sub["id"])["state"] == "onHold"

    clock.advance(3600.001)  # the buffered events have now waited longer than the retention too
    await drain(container.delivery_worker)

    shown = subscription(api, org, sub["id"])
    assert shown["counters"] == {"eventsDelivered": 0, "eventsRefused": 0, "eventsExpired": 5}
    assert shown["backlogEvents"] == 0
    [expired] = batches(api, org, sub["id"], status="expired")
    assert expired["eventCount"] == 2

    receiver.always(PATH, 200)
    fresh = pair_units(container, org.id, 1, prefix="fresh")
    clock.advance(60)
    await drain(container.delivery_worker)
    assert unit_ids(receiver.requests(PATH)[-1:]) == fresh
    assert subscription(api, org, sub["id"])["state"] == "active"


async def test_batches_of_a_subscription_wait_for_the_one_in_flight(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    subscribe(api, org, receiver.url(PATH), maxBatchSize=1)
    receiver.script(PATH, 503)
    units = pair_units(container, org.id, 3)

    await drain(container.delivery_worker)
    assert unit_ids(receiver.requests(PATH)) == units[:1]
    clock.advance(10)
    await drain(container.delivery_worker)

    assert unit_ids(receiver.requests(PATH)) == [units[0], *units]
    assert all(len(json.loads(r.body)["eventsData"]) == 1 for r in receiver.requests(PATH))
