"""`signatureHeader`: a receiver written for the Datahub's `X-SCALAR-Signature` verifies pairhub unchanged."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

import pytest

from pairhub.bootstrap import Container
from tests.delivery_support import Received, Receiver, Reply, drain, pair_units, subscribe
from tests.support import Api

PATH = "/datahub"


def datahub_receiver(secret: str) -> Callable[[Received], bool]:
    """What a receiver built for the Datahub checks: `X-SCALAR-Signature: sha256=<hex>`, nothing else."""
    key = base64.b64decode(secret.removeprefix("whsec_"))

    def accepts(request: Received) -> bool:
        given = request.headers.get("X-SCALAR-Signature", "")
        expected = "sha256=" + hmac.new(key, request.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(given, expected)

    return accepts


async def test_a_datahub_receiver_accepts_every_request_of_a_subscription_so_configured(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH), signatureHeader="X-SCALAR-Signature", maxBatchSize=1)
    accepts = datahub_receiver(sub["secret"])
    receiver.answer = lambda n: Reply(200 if accepts(receiver.requests()[n - 1]) else 401)
    pair_units(container, org.id, 3)

    assert await drain(container.delivery_worker) == 3
    tested = api.client.post(
        f"/v1/organizations/{org.id}/subscriptions/{sub['id']}/test", headers=org.headers
    ).json()

    requests = receiver.requests(PATH)
    assert len(requests) == 4
    assert all(accepts(request) for request in requests)
    assert all("X-Signature-256" not in request.headers for request in requests)
    assert tested["statusCode"] == 200
    shown = api.client.get(f"/v1/organizations/{org.id}/subscriptions/{sub['id']}", headers=org.headers)
    assert shown.json()["signatureHeader"] == "X-SCALAR-Signature"
    assert shown.json()["counters"] == {"eventsDelivered": 3, "eventsRefused": 0, "eventsExpired": 0}


async def test_the_same_receiver_refuses_the_default_header(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    accepts = datahub_receiver(sub["secret"])
    receiver.answer = lambda n: Reply(200 if accepts(receiver.requests()[n - 1]) else 401)
    pair_units(container, org.id, 1)

    await drain(container.delivery_worker)

    assert sub["signatureHeader"] == "X-Signature-256"
    shown = api.client.get(f"/v1/organizations/{org.id}/subscriptions/{sub['id']}", headers=org.headers)
    assert shown.json()["counters"]["eventsRefused"] == 1


async def test_a_patch_moves_the_signature_to_another_header(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    url = f"/v1/organizations/{org.id}/subscriptions/{sub['id']}"

    patched = api.client.patch(url, json={"signatureHeader": "X-Webhook-Signature"}, headers=org.headers)
    pair_units(container, org.id, 1)
    await drain(container.delivery_worker)

    assert patched.json()["signatureHeader"] == "X-Webhook-Signature"
    [request] = receiver.requests(PATH)
    key = base64.b64decode(sub["secret"].removeprefix("whsec_"))
    expected = "sha256=" + hmac.new(key, request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Webhook-Signature"] == expected
    assert "X-Signature-256" not in request.headers


@pytest.mark.parametrize(
    "name",
    [
        "Signature",
        "X-",
        "X-Bad Name",
        "Content-Type",
        "X-Tenant",
        "webhook-signature",
        "X-" + "a" * 63,
        "X-Sig\n",
    ],
)
def test_a_name_that_cannot_carry_the_signature_is_refused(api: Api, receiver: Receiver, name: str) -> None:
    org = api.new_org()
    body = {
        "url": receiver.url(PATH),
        "eventNames": ["unit.paired"],
        "customHeaders": {"X-Tenant": "acme"},
        "signatureHeader": name,
    }

    response = api.client.post(f"/v1/organizations/{org.id}/subscriptions", json=body, headers=org.headers)

    assert response.status_code == 422, response.text
    assert response.json()["code"] in {"invalid_signature_header", "validation_error"}
