"""`POST .../subscriptions/{subId}/recover`: every event since a moment sent again, in new batches
after the pending ones, in order, marked in the delivery log; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from tests.delivery_support import Receiver, drain, pair_units, subscribe, unit_ids
from tests.support import Api, Org

PATH = "/hook"


def _recover(api: Api, org: Org, sub_id: str, since: str) -> Any:
    return api.client.post(
        f"/v1/organizations/{org.id}/subscriptions/{sub_id}/recover",
        json={"since": since},
        headers=org.headers,
    )


def _log(api: Api, org: Org, sub_id: str) -> list[dict[str, Any]]:
    """The whole delivery log, one batch a page (pages must neither skip nor repeat a batch)."""
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1, **({"after": cursor} if cursor else {})}
        page = api.client.get(
            f"/v1/organizations/{org.id}/subscriptions/{sub_id}/batches", params=params, headers=org.headers
        ).json()
        found += page["data"]
        cursor = page["nextCursor"]
        if cursor is None:
            return found


async def test_recovered_events_follow_the_pending_batch_in_order_and_are_marked(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH), maxBatchSize=2)
    first = pair_units(container, org.id, 3, prefix="a")  # 22:20:00, delivered in two batches
    await drain(container.delivery_worker)
    clock.advance(600)
    later = pair_units(container, org.id, 2, prefix="b")  # 22:30:00, delivered
    await drain(container.delivery_worker)
    receiver.script(PATH, 503)
    held = pair_units(container, org.id, 1, prefix="c")  # refused once: pending, retried in 10 s
    await drain(container.delivery_worker)
    assert unit_ids(receiver.requests(PATH)) == [*first, *later, *held]
    sent_before = {request.batch_id for request in receiver.requests(PATH)}

    answer = _recover(api, org, sub["id"], "2025-05-12T22:25:00Z")

    assert answer.status_code == 202, answer.text
    assert answer.json() == {"events": 3, "batches": 2, "recovery": 1}
    clock.advance(10)
    await drain(container.delivery_worker)
    again = receiver.requests(PATH)[4:]
    # The pending batch first (its retry, same id), then the recovered events in order, in new batches.
    assert unit_ids(again) == [*held, *later, *held]
    assert again[0].batch_id in sent_before
    assert not {request.batch_id for request in again[1:]} & sent_before
    log = _log(api, org, sub["id"])
    assert len(log) == 6 and len({batch["eventBatchId"] for batch in log}) == 6
    assert sorted(batch["recovery"] for batch in log) == [0, 0, 0, 0, 1, 1]
    assert all(batch["status"] == "delivered" for batch in log)


async def test_a_recovery_with_nothing_to_send_again_and_bad_requests(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    pair_units(container, org.id, 2)
    await drain(container.delivery_worker)

    assert _recover(api, org, sub["id"], "2025-05-13T00:00:00Z").json() == {
        "events": 0,
        "batches": 0,
        "recovery": 0,
    }
    bad = _recover(api, org, sub["id"], "last week")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_time")
    missing = _recover(api, org, "00000000-0000-0000-0000-000000000000", "2025-05-12T00:00:00Z")
    assert (missing.status_code, missing.json()["code"]) == (404, "subscription_not_found")
    # Everything since the start: both events again, one batch, recovery 1.
    assert _recover(api, org, sub["id"], "2025-05-12T00:00:00+02:00").json() == {
        "events": 2,
        "batches": 1,
        "recovery": 1,
    }
    await drain(container.delivery_worker)
    assert len(receiver.requests(PATH)) == 2


async def test_the_portal_sends_events_again_since_a_local_time(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    pair_units(container, org.id, 2)
    await drain(container.delivery_worker)
    invited = api.client.post(
        f"/v1/organizations/{org.id}/invitations",
        json={"email": "owner@example.com", "role": "owner"},
        headers=api.admin,
    )
    token = invited.json()["url"].rsplit("/", 1)[-1]
    password = "correct horse battery staple"
    accepted = api.client.post(
        f"/v1/invitations/{token}/accept", json={"name": "Owner", "password": password}
    )
    assert accepted.status_code == 201, accepted.text
    sign_in = api.client.get("/ui/sign-in")
    csrf = sign_in.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    api.client.post(
        "/ui/sign-in", data={"email": "owner@example.com", "password": password, "csrf_token": csrf}
    )
    page = api.client.get(f"/ui/subscriptions/{sub['id']}")
    assert 'data-testid="recover"' in page.text
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    # 00:19 in UTC+2 is 22:19 UTC, a minute before the events.
    sent = api.client.post(
        f"/ui/subscriptions/{sub['id']}/recover",
        data={"since": "2025-05-13T00:19", "tz_offset": "-120", "csrf_token": csrf},
    )
    refused = api.client.post(
        f"/ui/subscriptions/{sub['id']}/recover", data={"since": "soon", "csrf_token": csrf}
    )

    assert sent.status_code == 200 and "2 events are queued again in 1 batches" in sent.text
    assert refused.status_code == 422
    await drain(container.delivery_worker)
    assert len(receiver.requests(PATH)) == 2
    assert "sent again (recovery 1)" in api.client.get(f"/ui/subscriptions/{sub['id']}").text
