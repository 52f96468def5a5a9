"""Delivery end to end on SQLite and PostgreSQL: real HTTP to a loopback receiver, a manual clock."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from pairhub import __version__
from pairhub.adapters.clock import ManualClock
from pairhub.adapters.http.signing import body_signature
from pairhub.bootstrap import Container
from pairhub.contract import schemas
from tests.delivery_support import (
    Receiver,
    drain,
    pair_units,
    subscribe,
    unit_ids,
)
from tests.support import Api

PATH = "/hook"


def sub_url(api: Api, org_id: str, sub_id: str, suffix: str = "") -> str:
    return f"/v1/organizations/{org_id}/subscriptions/{sub_id}{suffix}"


async def test_delivers_a_signed_batch_that_standard_webhooks_verifies(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH), customHeaders={"X-Tenant": "acme"})
    asset = api.new_asset(org, vin="1HGCM82633A000001")
    api.new_unit(org, "tp:890123847562332")
    api.pair(org, "tp:890123847562332", asset["id"])
    api.unpair(org, "tp:890123847562332")

    assert await drain(container.delivery_worker) == 1

    [request] = receiver.requests(PATH)
    envelope = request.verify(sub["secret"])
    assert envelope["eventBatchId"] == request.batch_id
    assert envelope["eventSubscriptionId"] == sub["id"]
    assert [e["eventType"] for e in envelope["eventsData"]] == ["unit.paired", "unit.unpaired"]
    Draft202012Validator(schemas.load("v1-envelope.json"), format_checker=FormatChecker()).validate(envelope)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == f"pairhub/{__version__}"
    assert request.headers["X-Signature-256"] == body_signature(sub["secret"], request.body)
    assert request.headers["X-Tenant"] == "acme"
    shown = api.client.get(sub_url(api, org.id, sub["id"]), headers=org.headers).json()
    assert shown["counters"] == {"eventsDelivered": 2, "eventsRefused": 0, "eventsExpired": 0}
    assert shown["backlogEvents"] == 0
    log = api.client.get(sub_url(api, org.id, sub["id"], "/batches"), headers=org.headers).json()
    [batch] = log["data"]
    assert batch["eventBatchId"] == request.batch_id
    assert batch["status"] == "delivered"
    assert [a["statusCode"] for a in batch["attemptLog"]] == [200]
    detail = api.client.get(
        sub_url(api, org.id, sub["id"], f"/batches/{request.batch_id}"), headers=org.headers
    ).json()
    assert detail["body"].encode() == request.body


async def test_only_events_registered_after_creation_are_delivered(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    pair_units(container, org.id, 2, prefix="old")
    subscribe(api, org, receiver.url(PATH))
    pair_units(container, org.id, 1, prefix="new")

    await drain(container.delivery_worker)

    assert unit_ids(receiver.requests(PATH)) == ["new:000000"]


async def test_batches_keep_registration_order_size_and_wait_limits(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    subscribe(api, org, receiver.url(PATH), maxBatchSize=3, maxWaitMs=60_000)
    units = pair_units(container, org.id, 7)

    await drain(container.delivery_worker)
    sizes = [len(json.loads(r.body)["eventsData"]) for r in receiver.requests(PATH)]
    assert sizes == [3, 3]  # full batches leave at once; the seventh event waits for more

    clock.advance(59.9)
    await drain(container.delivery_worker)
    assert len(receiver.requests(PATH)) == 2
    clock.advance(0.1)
    await drain(container.delivery_worker)

    requests = receiver.requests(PATH)
    assert [len(json.loads(r.body)["eventsData"]) for r in requests] == [3, 3, 1]
    assert unit_ids(requests) == units
    assert len({r.batch_id for r in requests}) == 3


async def test_v2_subscription_receives_paired_events_rendered_in_v2(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    subscribe(api, org, receiver.url(PATH), eventVersion=2, eventNames=["unit.paired"])
    [unit] = pair_units(container, org.id, 1)
    container.pairing.unpair(org.id, unit)
    pair_units(container, org.id, 1, prefix="second")

    await drain(container.delivery_worker)

    [request] = receiver.requests(PATH)
    envelope = json.loads(request.body)
    assert [e["eventVersion"] for e in envelope["eventsData"]] == [2, 2]
    assert unit_ids([request]) == [unit, "second:000000"]
    Draft202012Validator(schemas.load("v2-envelope.json"), format_checker=FormatChecker()).validate(envelope)


async def test_rotation_signs_with_both_secrets_for_24_hours(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    rotated = api.client.post(sub_url(api, org.id, sub["id"], "/rotate-secret"), headers=org.headers)
    assert rotated.status_code == 200
    new_secret = rotated.json()["secret"]
    assert new_secret != sub["secret"] and new_secret.startswith("whsec_")

    pair_units(container, org.id, 1, prefix="during")
    await drain(container.delivery_worker)
    clock.advance(24 * 3600)
    pair_units(container, org.id, 1, prefix="after")
    await drain(container.delivery_worker)

    during, after = receiver.requests(PATH)
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    during.verify(sub["secret"])
    during.verify(new_secret)
    assert during.headers["X-Signature-256"] == body_signature(new_secret, during.body)
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    after.verify(new_secret)
    with pytest.raises(WebhookVerificationError):
        Webhook(sub["secret"]).verify(after.body, after.headers)
