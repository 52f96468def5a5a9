"""A delivered test send makes the batch waiting for a retry or a probe due at once (manual clock)."""

from __future__ import annotations

from typing import Any

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from tests.delivery_support import Receiver, drain, pair_units, subscribe
from tests.support import Api, Org

PATH = "/hook"


def _sub_path(org: Org, sub_id: str, suffix: str = "") -> str:
    return f"/v1/organizations/{org.id}/subscriptions/{sub_id}{suffix}"


def _send_test(api: Api, org: Org, sub_id: str) -> dict[str, Any]:
    response = api.client.post(_sub_path(org, sub_id, "/test"), headers=org.headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _statuses(api: Api, org: Org, sub_id: str) -> list[str]:
    log = api.client.get(_sub_path(org, sub_id, "/batches"), headers=org.headers).json()["data"]
    return [batch["status"] for batch in log]


async def test_a_delivered_test_sends_the_retrying_batch_at_once(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    receiver.script(PATH, 503, 503)
    pair_units(container, org.id, 1)
    await drain(container.delivery_worker)  # the batch waits 10 s for its retry

    refused = _send_test(api, org, sub["id"])
    await drain(container.delivery_worker)
    assert (refused["delivered"], _statuses(api, org, sub["id"])) == (False, ["pending"])

    assert _send_test(api, org, sub["id"])["delivered"] is True
    await drain(container.delivery_worker)  # the clock has not moved

    assert _statuses(api, org, sub["id"]) == ["delivered"]
    assert len(receiver.requests(PATH)) == 4  # attempt, refused test, test, the batch again


async def test_a_delivered_test_probes_a_held_subscription_at_once(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    receiver.script(PATH, 503, 503, 503)
    pair_units(container, org.id, 1)
    for wait in (0, 10, 20):
        clock.advance(wait)
        await drain(container.delivery_worker)
    held = api.client.get(_sub_path(org, sub["id"]), headers=org.headers).json()
    assert held["state"] == "onHold"  # the next probe is a minute away

    _send_test(api, org, sub["id"])
    await drain(container.delivery_worker)

    resumed = api.client.get(_sub_path(org, sub["id"]), headers=org.headers).json()
    assert (resumed["state"], resumed["counters"]["eventsDelivered"]) == ("active", 1)
    assert _statuses(api, org, sub["id"]) == ["delivered"]


async def test_a_test_send_leaves_a_paused_subscription_waiting(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    receiver.script(PATH, 503)
    pair_units(container, org.id, 1)
    await drain(container.delivery_worker)
    api.client.patch(_sub_path(org, sub["id"]), json={"state": "paused"}, headers=org.headers)

    _send_test(api, org, sub["id"])
    await drain(container.delivery_worker)

    assert _statuses(api, org, sub["id"]) == ["pending"]
    assert len(receiver.requests(PATH)) == 2
