"""The subscription endpoints: validation, secrets, pause and resume, 403 and organization isolation."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.adapters.http.ssrf import static_resolver
from pairhub.bootstrap import Container
from pairhub.entrypoints.api.app import create_app
from tests.conftest import ADMIN_TOKEN, make_settings
from tests.delivery_support import claim_and_prepare, pair_units, subscribe
from tests.support import Api, Org

URL = "https://hooks.example.com/pairhub"
PUBLIC_DNS = {
    "hooks.example.com": ["93.184.216.34"],
    "dual.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "internal.example.com": ["10.20.30.40"],
    "rebind.example.com": ["93.184.216.34", "127.0.0.1"],
    "metadata.example.com": ["169.254.169.254"],
    "mapped.example.com": ["::ffff:192.168.0.10"],
    "localhost": ["127.0.0.1", "::1"],
}


@pytest.fixture
def container(database_url: str, clock: ManualClock) -> Iterator[Container]:
    """Production URL rules (https only, public addresses only) with DNS answered from a table."""
    settings = make_settings(database_url, allow_private_webhook_targets=False, allow_insecure_webhooks=False)
    built = bootstrap.build(settings, clock, resolver=static_resolver(PUBLIC_DNS))
    yield built
    built.close()


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    """An API client over that container."""
    with TestClient(create_app(container)) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient) -> Api:
    """API helper with the admin token."""
    return Api(client, ADMIN_TOKEN)


def create(api: Api, org: Org, **fields: Any) -> Any:
    body = {"url": URL, "eventNames": ["unit.paired"], **fields}
    return api.client.post(f"/v1/organizations/{org.id}/subscriptions", json=body, headers=org.headers)


def test_create_applies_defaults_and_shows_the_secret_once(api: Api) -> None:
    org = api.new_org()

    created = create(api, org, description="ERP")

    assert created.status_code == 201
    body = created.json()
    assert body["eventGroup"] == "asset"
    assert body["eventVersion"] == 1
    assert body["maxBatchSize"] == 100
    assert body["maxWaitMs"] == 500
    assert body["state"] == "active"
    assert body["counters"] == {"eventsDelivered": 0, "eventsRefused": 0, "eventsExpired": 0}
    assert body["secret"].startswith("whsec_")
    assert len(base64.b64decode(body["secret"].removeprefix("whsec_"))) == 32
    shown = api.client.get(f"/v1/organizations/{org.id}/subscriptions/{body['id']}", headers=org.headers)
    assert "secret" not in shown.json()
    listed = api.client.get(f"/v1/organizations/{org.id}/subscriptions", headers=org.headers).json()
    assert [s["id"] for s in listed["data"]] == [body["id"]]
    assert listed["nextCursor"] is None


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"eventVersion": 2, "eventNames": ["unit.unpaired"]}, "event_not_offered"),
        ({"eventVersion": 2, "eventNames": ["unit.paired", "unit.unpaired"]}, "event_not_offered"),
        ({"eventNames": []}, "validation_error"),
        ({"eventNames": ["unit.moved"]}, "validation_error"),
        ({"eventGroup": "trip"}, "validation_error"),
        ({"eventVersion": 3}, "validation_error"),
        ({"maxBatchSize": 0}, "validation_error"),
        ({"maxBatchSize": 501}, "validation_error"),
        ({"maxWaitMs": -1}, "validation_error"),
        ({"maxWaitMs": 60_001}, "validation_error"),
        ({"customHeaders": {f"X-H{n}": "v" for n in range(6)}}, "too_many_custom_headers"),
        ({"customHeaders": {"Content-Type": "text/plain"}}, "reserved_header"),
        ({"customHeaders": {"webhook-signature": "v1,forged"}}, "reserved_header"),
        ({"customHeaders": {"User-Agent": "x"}}, "reserved_header"),
        ({"customHeaders": {"X-Signature-256": "sha256=0"}}, "reserved_header"),
        ({"customHeaders": {"Bad Name": "x"}}, "invalid_custom_header"),
        ({"customHeaders": {"X-Split": "a\r\nInjected: 1"}}, "invalid_custom_header"),
        ({"signingKey": "whsec_mine"}, "unknown_field"),
    ],
)
def test_create_refuses_invalid_subscriptions(api: Api, fields: dict[str, Any], code: str) -> None:
    org = api.new_org()

    response = create(api, org, **fields)

    assert response.status_code == 422, response.text
    assert response.json()["code"] == code


def test_five_custom_headers_are_accepted(api: Api) -> None:
    org = api.new_org()
    headers = {f"X-Custom-{n}": f"value {n}" for n in range(5)} | {"X-Custom-0": "Bearer abc"}

    response = create(api, org, customHeaders=headers)

    assert response.status_code == 201
    assert response.json()["customHeaderNames"] == list(headers)
    assert "value 1" not in response.text and "Bearer abc" not in response.text


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/pairhub",
        "ftp://hooks.example.com/pairhub",
        "https://localhost/hook",
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://10.0.0.7/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[fd00:ec2::254]/latest",
        "https://internal.example.com/hook",
        "https://rebind.example.com/hook",
        "https://metadata.example.com/hook",
        "https://mapped.example.com/hook",
        "https://unknown.example.com/hook",
        "https:///no-host",
    ],
)
def test_create_refuses_unsafe_targets(api: Api, url: str) -> None:
    org = api.new_org()

    response = create(api, org, url=url)

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "webhook_target_refused"


def test_public_targets_are_accepted_and_url_changes_are_checked(api: Api) -> None:
    org = api.new_org()
    sub = create(api, org, url="https://dual.example.com/hook").json()

    refused = api.client.patch(
        f"/v1/organizations/{org.id}/subscriptions/{sub['id']}",
        json={"url": "https://internal.example.com/x"},
        headers=org.headers,
    )
    accepted = api.client.patch(
        f"/v1/organizations/{org.id}/subscriptions/{sub['id']}",
        json={"url": URL, "maxBatchSize": 10, "description": None},
        headers=org.headers,
    )

    assert refused.status_code == 422
    assert refused.json()["code"] == "webhook_target_refused"
    assert accepted.status_code == 200
    assert (accepted.json()["url"], accepted.json()["maxBatchSize"]) == (URL, 10)


def test_patch_rechecks_the_version_and_its_events(api: Api) -> None:
    org = api.new_org()
    sub = create(api, org, eventNames=["unit.paired", "unit.unpaired"]).json()
    path = f"/v1/organizations/{org.id}/subscriptions/{sub['id']}"

    refused = api.client.patch(path, json={"eventVersion": 2}, headers=org.headers)
    accepted = api.client.patch(
        path, json={"eventVersion": 2, "eventNames": ["unit.paired"]}, headers=org.headers
    )
    nulled = api.client.patch(path, json={"maxWaitMs": None}, headers=org.headers)
    onhold = api.client.patch(path, json={"state": "onHold"}, headers=org.headers)

    assert refused.json()["code"] == "event_not_offered"
    assert accepted.json()["eventVersion"] == 2
    assert nulled.status_code == 422
    assert onhold.status_code == 422


def test_rotation_returns_a_new_secret_and_the_overlap_end(api: Api, clock: ManualClock) -> None:
    org = api.new_org()
    sub = create(api, org).json()

    rotated = api.client.post(
        f"/v1/organizations/{org.id}/subscriptions/{sub['id']}/rotate-secret", headers=org.headers
    ).json()

    assert rotated["secret"] != sub["secret"]
    assert rotated["previousSecretExpiresAt"] is not None
    assert rotated["previousSecretExpiresAt"] > rotated["updatedAt"]


def test_delete_removes_the_subscription(api: Api) -> None:
    org = api.new_org()
    sub = create(api, org).json()
    path = f"/v1/organizations/{org.id}/subscriptions/{sub['id']}"

    assert api.client.delete(path, headers=org.headers).status_code == 204
    assert api.client.get(path, headers=org.headers).status_code == 404


def test_inactive_datahub_subscription_is_forbidden(api: Api) -> None:
    org = api.new_org(datahubSubscriptionActive=False)

    for response in (
        create(api, org),
        api.client.get(f"/v1/organizations/{org.id}/subscriptions", headers=org.headers),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "datahub_subscription_inactive"


def every_endpoint(org_id: str, sub_id: str, batch_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    base = f"/v1/organizations/{org_id}/subscriptions"
    return [
        ("POST", base, {"url": URL, "eventNames": ["unit.paired"]}),
        ("GET", base, None),
        ("GET", f"{base}/{sub_id}", None),
        ("PATCH", f"{base}/{sub_id}", {"description": "mine now"}),
        ("DELETE", f"{base}/{sub_id}", None),
        ("POST", f"{base}/{sub_id}/rotate-secret", None),
        ("POST", f"{base}/{sub_id}/resume", None),
        ("POST", f"{base}/{sub_id}/test", None),
        ("GET", f"{base}/{sub_id}/batches", None),
        ("GET", f"{base}/{sub_id}/batches/{batch_id}", None),
        ("POST", f"{base}/{sub_id}/batches/{batch_id}/redeliver", None),
    ]


def test_another_organization_gets_404_on_every_endpoint(api: Api, container: Container) -> None:
    owner = api.new_org("Owner")
    intruder = api.new_org("Intruder")
    sub = subscribe(api, owner, URL)
    mine = subscribe(api, intruder, URL)
    pair_units(container, owner.id, 1)
    [job] = claim_and_prepare(container.delivery_worker)  # freezes a real batch of the owner
    batch_id = job.batch_id

    # The owner's organization in the path: the organization itself is hidden.
    for method, path, body in every_endpoint(owner.id, sub["id"], batch_id):
        response = api.client.request(method, path, json=body, headers=intruder.headers)
        assert response.status_code == 404, (method, path, response.text)
    # The intruder's own organization in the path with the owner's subscription id: hidden too.
    for method, path, body in every_endpoint(intruder.id, sub["id"], batch_id)[2:]:
        response = api.client.request(method, path, json=body, headers=intruder.headers)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["code"] == "subscription_not_found"
    # A subscription of the intruder's own does not open the owner's batches either.
    response = api.client.get(
        f"/v1/organizations/{intruder.id}/subscriptions/{mine['id']}/batches/{batch_id}",
        headers=intruder.headers,
    )
    assert response.json()["code"] == "batch_not_found"
    untouched = api.client.get(
        f"/v1/organizations/{owner.id}/subscriptions/{sub['id']}", headers=owner.headers
    )
    assert untouched.json()["description"] is None


def test_an_organization_may_have_as_many_subscriptions_as_the_setting_allows(
    database_url: str, clock: ManualClock
) -> None:
    settings = make_settings(database_url, max_subscriptions_per_organization=2)
    built = bootstrap.build(settings, clock, resolver=static_resolver(PUBLIC_DNS))
    try:
        with TestClient(create_app(built)) as test_client:
            api = Api(test_client, ADMIN_TOKEN)
            org, other = api.new_org(), api.new_org("Other")
            first, second, third = (create(api, org) for _ in range(3))
            elsewhere = create(api, other)
            deleted = api.client.delete(
                f"/v1/organizations/{org.id}/subscriptions/{first.json()['id']}", headers=org.headers
            )
            again = create(api, org)
    finally:
        built.close()

    assert [first.status_code, second.status_code, elsewhere.status_code] == [201, 201, 201]
    assert third.status_code == 409
    assert third.json()["code"] == "subscription_limit_reached" and third.json()["limit"] == 2
    assert deleted.status_code == 204 and again.status_code == 201
