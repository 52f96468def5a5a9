"""`PAIRHUB_PUBLIC_URL` makes `jwksUrl` absolute; the JWK Set's media type; test sends say they are;
bring-your-own signing secrets; a body an operation would not read is refused."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import httpx
import pytest

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.entrypoints.api.app import create_app
from pairhub.receiver import verify
from tests.delivery_support import Receiver, delivery_settings, drain, pair_units, subscribe
from tests.e2e.processes import free_port
from tests.support import Api, Org, serving

PATH = "/hook"
OWN_SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()


@pytest.fixture
def public(database_url: str, clock: ManualClock) -> Iterator[tuple[Container, str]]:
    """A container told its public URL, served there over real HTTP."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/"  # a trailing slash is dropped
    built = bootstrap.build(delivery_settings(database_url, public_url=base_url), clock, jitter=lambda: 0.0)
    try:
        with serving(create_app(built), port):
            yield built, base_url.rstrip("/")
    finally:
        built.close()


def test_jwks_url_is_absolute_under_the_public_url_and_served_as_a_jwk_set(
    public: tuple[Container, str], receiver: Receiver
) -> None:
    container, base_url = public
    with httpx.Client(base_url=base_url, timeout=10) as client:
        api = Api(client, container.settings.admin_token)  # type: ignore[arg-type]
        org = api.new_org()
        sub = subscribe(api, org, receiver.url(PATH), signatureAlgorithm="ed25519")
        listed = client.get(f"/v1/organizations/{org.id}/subscriptions", headers=org.headers).json()["data"]

    assert sub["jwksUrl"] == f"{base_url}/v1/subscriptions/{sub['id']}/jwks.json"
    assert listed[0]["jwksUrl"] == sub["jwksUrl"]
    fetched = httpx.get(sub["jwksUrl"], timeout=10)  # as PyJWKClient(sub.jwksUrl) fetches it
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "application/jwk-set+json"
    assert [key["kty"] for key in fetched.json()["keys"]] == ["OKP"]


def test_public_url_must_be_a_url() -> None:
    with pytest.raises(ValueError, match="public_url"):
        delivery_settings("sqlite://", public_url="pairhub.example.com")


def _sub_path(org: Org, sub_id: str, suffix: str) -> str:
    return f"/v1/organizations/{org.id}/subscriptions/{sub_id}{suffix}"


def test_a_test_send_says_so_in_a_header_and_its_body_is_a_normal_batch(api: Api, receiver: Receiver) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))

    answer = api.client.post(_sub_path(org, sub["id"], "/test"), headers=org.headers)

    assert answer.status_code == 200, answer.text
    [request] = receiver.requests(PATH)
    assert request.headers["webhook-test"] == "true"
    batch = verify(sub["secret"], request.headers, request.body)
    assert batch is not None and json.loads(request.body)["eventsData"][0]["eventType"] == "unit.paired"


async def test_own_secrets_sign_and_bad_ones_are_refused(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH), secret=OWN_SECRET)
    assert sub["secret"] == OWN_SECRET
    pair_units(container, org.id, 1)
    await drain(container.delivery_worker)
    [request] = receiver.requests(PATH)
    assert verify(OWN_SECRET, request.headers, request.body) is not None
    assert "webhook-test" not in request.headers

    rotated = "whsec_" + base64.b64encode(b"r" * 32).decode()
    answer = api.client.post(
        _sub_path(org, sub["id"], "/rotate-secret"), json={"secret": rotated}, headers=org.headers
    )
    assert (answer.status_code, answer.json()["secret"]) == (200, rotated)
    made = api.client.post(_sub_path(org, sub["id"], "/rotate-secret"), headers=org.headers)
    assert made.status_code == 200 and made.json()["secret"] not in (rotated, OWN_SECRET)

    url = f"/v1/organizations/{org.id}/subscriptions"
    for bad in (
        "whsec_short",
        "whsec_" + base64.b64encode(b"k" * 31).decode(),
        OWN_SECRET[6:],
        OWN_SECRET + "A",
    ):
        refused = api.client.post(
            url,
            json={"url": receiver.url(PATH), "eventNames": ["unit.paired"], "secret": bad},
            headers=org.headers,
        )
        assert (refused.status_code, refused.json()["code"]) == (422, "invalid_secret"), bad
    ed25519 = api.client.post(
        url,
        json={
            "url": receiver.url(PATH),
            "eventNames": ["unit.paired"],
            "signatureAlgorithm": "ed25519",
            "secret": OWN_SECRET,
        },
        headers=org.headers,
    )
    assert (ed25519.status_code, ed25519.json()["code"]) == (422, "invalid_secret")
    unknown = api.client.post(
        _sub_path(org, sub["id"], "/rotate-secret"), json={"key": rotated}, headers=org.headers
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_field")
    unread = api.client.post(
        _sub_path(org, sub["id"], "/resume"), json={"secret": rotated}, headers=org.headers
    )
    assert (unread.status_code, unread.json()["code"]) == (422, "unexpected_body")
