"""Redelivered and resumed batches keep counting every attempt, and the counters hold each batch once."""

from __future__ import annotations

import re
from typing import Any

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from tests.delivery_support import Receiver, drain, pair_units, subscribe
from tests.support import PASSWORD, Api, Org

PATH = "/hook"


def _sub_path(org: Org, sub_id: str, suffix: str = "") -> str:
    return f"/v1/organizations/{org.id}/subscriptions/{sub_id}{suffix}"


def _counters(api: Api, org: Org, sub_id: str) -> dict[str, Any]:
    found: dict[str, Any] = api.client.get(_sub_path(org, sub_id), headers=org.headers).json()["counters"]
    return found


def _batch(api: Api, org: Org, sub_id: str, batch_id: str) -> dict[str, Any]:
    response = api.client.get(_sub_path(org, sub_id, f"/batches/{batch_id}"), headers=org.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _redeliver(api: Api, org: Org, sub_id: str, batch_id: str) -> None:
    response = api.client.post(_sub_path(org, sub_id, f"/batches/{batch_id}/redeliver"), headers=org.headers)
    assert response.status_code == 202, response.text


def _attempts_on_the_batch_page(api: Api, org: Org, sub_id: str, batch_id: str) -> tuple[int, int]:
    """(the "Attempts" figure, the rows of the attempts table) of the batch page in the UI."""
    person = api.new_person(org, "viewer")
    sign_in = api.client.get("/ui/sign-in")
    csrf = sign_in.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    signed_in = api.client.post(
        "/ui/sign-in",
        data={"email": person.email, "password": PASSWORD, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303, signed_in.text
    page = api.client.get(f"/ui/subscriptions/{sub_id}/batches/{batch_id}")
    assert page.status_code == 200, page.text
    figure = re.search(r"<dt>Attempts</dt><dd>(\d+)</dd>", page.text)
    assert figure is not None
    rows = page.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")
    return int(figure.group(1)), rows


async def test_a_held_batch_resumed_then_redelivered_counts_every_attempt_and_its_events_once(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    # Three failures exhaust the schedule (10 s, 20 s): the subscription goes on hold.
    receiver.script(PATH, 503, 503, 503, 503)
    pair_units(container, org.id, 2)
    await drain(container.delivery_worker)
    clock.advance(10)
    await drain(container.delivery_worker)
    clock.advance(20)
    await drain(container.delivery_worker)
    assert api.client.get(_sub_path(org, sub["id"]), headers=org.headers).json()["state"] == "onHold"
    batch_id = receiver.requests(PATH)[0].batch_id

    # A resume starts a fresh schedule: the next failure waits the first delay again, not a hold.
    api.client.post(_sub_path(org, sub["id"], "/resume"), headers=org.headers)
    await drain(container.delivery_worker)
    retrying = _batch(api, org, sub["id"], batch_id)
    assert (retrying["status"], retrying["attempts"]) == ("pending", 4)
    assert retrying["nextAttemptAt"] is not None
    clock.advance(10)
    await drain(container.delivery_worker)
    _redeliver(api, org, sub["id"], batch_id)
    await drain(container.delivery_worker)

    batch = _batch(api, org, sub["id"], batch_id)
    assert len(receiver.requests(PATH)) == 6
    assert batch["status"] == "delivered"
    assert batch["attempts"] == len(batch["attemptLog"]) == 6
    assert [a["outcome"] for a in batch["attemptLog"]] == [
        "retry",
        "retry",
        "onHold",
        "retry",
        "delivered",
        "delivered",
    ]
    assert _counters(api, org, sub["id"])["eventsDelivered"] == 2
    assert _attempts_on_the_batch_page(api, org, sub["id"], batch_id) == (6, 6)


async def test_a_refused_batch_delivered_on_redelivery_moves_from_failed_to_delivered(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    receiver.script(PATH, 400)
    pair_units(container, org.id, 3)
    await drain(container.delivery_worker)
    batch_id = receiver.requests(PATH)[0].batch_id
    refused = _counters(api, org, sub["id"])

    _redeliver(api, org, sub["id"], batch_id)
    waiting = _counters(api, org, sub["id"])
    await drain(container.delivery_worker)

    assert (refused["eventsRefused"], refused["eventsDelivered"]) == (3, 0)
    assert (waiting["eventsRefused"], waiting["eventsDelivered"]) == (0, 0)
    delivered = _counters(api, org, sub["id"])
    assert (delivered["eventsRefused"], delivered["eventsDelivered"]) == (0, 3)
    assert _batch(api, org, sub["id"], batch_id)["attempts"] == 2
    assert _attempts_on_the_batch_page(api, org, sub["id"], batch_id) == (2, 2)
