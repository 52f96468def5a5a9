"""OAuth2 client credentials towards a receiver: a real token endpoint, token reuse, expiry and 401s."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.sql.tables import subscriptions
from pairhub.bootstrap import Container
from pairhub.entrypoints.api.app import create_app
from tests.conftest import ADMIN_TOKEN
from tests.delivery_support import Receiver, Reply, delivery_container, drain, pair_units, subscribe
from tests.support import Api

HOOK = "/hook"
TOKEN = "/oauth/token"
CLIENT_ID = "pairhub:acme"
CLIENT_SECRET = "s3cret/with+odd=chars"


class TokenEndpoint:
    """A token endpoint and a receiver that accepts only the tokens it issued, on one aiohttp server."""

    def __init__(self, receiver: Receiver, expires_in: int = 3600) -> None:
        self.receiver = receiver
        self.expires_in = expires_in
        self.failure: Reply | None = None
        self.issued: list[str] = []
        self.revoked: set[str] = set()
        receiver.answer = self._answer

    def _answer(self, n: int) -> Reply:
        request = self.receiver.requests()[n - 1]
        if request.path == TOKEN:
            return self._token(request.headers, request.body)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return Reply(200 if token in self.issued and token not in self.revoked else 401)

    def _token(self, headers: dict[str, str], body: bytes) -> Reply:
        if self.failure is not None:
            return self.failure
        scheme, _, credentials = headers.get("Authorization", "").partition(" ")
        client_id, _, secret = base64.b64decode(credentials).decode().partition(":")
        form = parse_qs(body.decode())
        if scheme != "Basic" or (unquote(client_id), unquote(secret)) != (CLIENT_ID, CLIENT_SECRET):
            return Reply(401, body='{"error": "invalid_client"}')
        if form != {"grant_type": ["client_credentials"], "scope": ["pairings:write"]}:
            return Reply(400, body='{"error": "invalid_request"}')
        token = f"token-{len(self.issued) + 1}"
        self.issued.append(token)
        answer = {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
        return Reply(200, headers={"Content-Type": "application/json"}, body=json.dumps(answer))

    def tokens_sent(self) -> list[str]:
        """The bearer token of every request to the receiver, in order."""
        return [r.headers["Authorization"].removeprefix("Bearer ") for r in self.receiver.requests(HOOK)]

    def token_requests(self) -> int:
        """How many times the token endpoint was called."""
        return len(self.receiver.requests(TOKEN))


def auth(receiver: Receiver, path: str = TOKEN) -> dict[str, Any]:
    """The `auth` object of a subscription that gets its tokens from `path` on the receiver."""
    return {
        "type": "oauth2ClientCredentials",
        "tokenUrl": receiver.url(path),
        "clientId": CLIENT_ID,
        "clientSecret": CLIENT_SECRET,
        "scope": "pairings:write",
    }


def log_of(api: Api, org: Any, sub: dict[str, Any]) -> list[dict[str, Any]]:
    """The delivery log of a subscription, newest batch first."""
    url = f"/v1/organizations/{org.id}/subscriptions/{sub['id']}/batches"
    answer = api.client.get(url, headers=org.headers)
    assert answer.status_code == 200, answer.text
    batches: list[dict[str, Any]] = answer.json()["data"]
    return batches


async def test_a_token_is_reused_until_30_s_before_it_expires_then_fetched_again(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    endpoint = TokenEndpoint(receiver, expires_in=3600)
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(HOOK), auth=auth(receiver))

    for prefix, wait_s in (("a", 0), ("b", 3569), ("c", 2)):
        clock.advance(wait_s)
        pair_units(container, org.id, 1, prefix=prefix)
        await drain(container.delivery_worker)

    # 3569 s after the first token it is still used; 2 s later it is within 30 s of expiring.
    assert endpoint.tokens_sent() == ["token-1", "token-1", "token-2"]
    assert endpoint.token_requests() == 2
    assert [batch["status"] for batch in log_of(api, org, sub)] == ["delivered"] * 3


async def test_a_401_gets_a_fresh_token_and_one_more_try_at_once(
    api: Api, container: Container, receiver: Receiver
) -> None:
    endpoint = TokenEndpoint(receiver)
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(HOOK), auth=auth(receiver))
    pair_units(container, org.id, 1, prefix="a")
    await drain(container.delivery_worker)

    endpoint.revoked.add("token-1")
    pair_units(container, org.id, 1, prefix="b")
    await drain(container.delivery_worker)

    assert endpoint.tokens_sent() == ["token-1", "token-1", "token-2"]
    [second, _first] = log_of(api, org, sub)
    assert second["status"] == "delivered" and second["attempts"] == 1
    assert [attempt["statusCode"] for attempt in second["attemptLog"]] == [200]


async def test_a_receiver_that_refuses_the_fresh_token_too_is_asked_twice_only(
    api: Api, container: Container, receiver: Receiver
) -> None:
    endpoint = TokenEndpoint(receiver)
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(HOOK), auth=auth(receiver))
    endpoint.revoked.update(f"token-{n}" for n in range(1, 10))
    pair_units(container, org.id, 1)

    await drain(container.delivery_worker)

    assert endpoint.tokens_sent() == ["token-1", "token-2"]
    [batch] = log_of(api, org, sub)
    assert batch["status"] == "failed" and batch["lastStatusCode"] == 401


async def test_a_failing_token_endpoint_fails_the_attempt_with_its_answer_in_the_delivery_log(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    endpoint = TokenEndpoint(receiver)
    endpoint.failure = Reply(503, body='{"error": "temporarily_unavailable"}')
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(HOOK), auth=auth(receiver))
    pair_units(container, org.id, 1)
    await drain(container.delivery_worker)

    [held] = log_of(api, org, sub)
    sent_while_failing = endpoint.tokens_sent()
    endpoint.failure = None
    clock.advance(10)  # the first retry of the schedule
    await drain(container.delivery_worker)

    [attempt] = held["attemptLog"]
    assert held["status"] == "pending" and attempt["statusCode"] is None
    assert attempt["error"] == 'token endpoint answered 503: {"error": "temporarily_unavailable"}'
    assert sent_while_failing == [] and endpoint.tokens_sent() == ["token-1"]
    assert [batch["status"] for batch in log_of(api, org, sub)] == ["delivered"]


async def test_an_unreachable_token_endpoint_is_a_readable_error(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    unreachable = {**auth(receiver), "tokenUrl": "http://127.0.0.1:9/token"}
    sub = subscribe(api, org, receiver.url(HOOK), auth=unreachable)
    pair_units(container, org.id, 1)

    await drain(container.delivery_worker)

    [attempt] = log_of(api, org, sub)[0]["attemptLog"]
    assert attempt["error"].startswith("token endpoint: cannot connect to 127.0.0.1:9")
    assert receiver.requests(HOOK) == []


def test_the_client_secret_is_write_only_and_kept_in_its_own_column(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    created = subscribe(api, org, receiver.url(HOOK), auth=auth(receiver))
    url = f"/v1/organizations/{org.id}/subscriptions/{created['id']}"
    changed = {**auth(receiver), "scope": "pairings:read"}

    patched = api.client.patch(url, json={"auth": changed}, headers=org.headers)
    shown = api.client.get(url, headers=org.headers)
    listed = api.client.get(f"/v1/organizations/{org.id}/subscriptions", headers=org.headers)
    with container.database.engine.connect() as connection:
        row = connection.execute(select(subscriptions).where(subscriptions.c.id == created["id"])).one()

    for answer in (json.dumps(created), patched.text, shown.text, listed.text):
        assert CLIENT_SECRET not in answer and "clientSecret" not in answer
    assert shown.json()["auth"] == {
        "type": "oauth2ClientCredentials",
        "tokenUrl": receiver.url(TOKEN),
        "clientId": CLIENT_ID,
        "scope": "pairings:read",
    }
    # At rest the client secret is ciphertext in its own column, and the settings never hold it.
    assert row.auth_client_secret.startswith("enc1.") and CLIENT_SECRET not in row.auth_client_secret
    assert CLIENT_SECRET not in row.auth


def test_auth_is_replaced_whole_or_removed_and_cannot_meet_an_authorization_header(
    api: Api, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(HOOK), auth=auth(receiver))
    url = f"/v1/organizations/{org.id}/subscriptions/{sub['id']}"
    without_secret = {key: value for key, value in auth(receiver).items() if key != "clientSecret"}

    partial = api.client.patch(url, json={"auth": without_secret}, headers=org.headers)
    clash = api.client.patch(url, json={"customHeaders": {"authorization": "x"}}, headers=org.headers)
    removed = api.client.patch(url, json={"auth": None}, headers=org.headers)
    allowed = api.client.patch(
        url, json={"customHeaders": {"Authorization": "Bearer static"}}, headers=org.headers
    )

    assert partial.status_code == 422
    assert clash.status_code == 422 and clash.json()["code"] == "invalid_custom_header"
    assert removed.status_code == 200 and removed.json()["auth"] is None
    assert allowed.status_code == 200


@pytest.fixture
def guarded_api(database_url: str, clock: ManualClock) -> Iterator[Api]:
    """The API of a container that applies the SSRF rules (no private targets; plain http allowed)."""
    with (
        delivery_container(database_url, clock, allow_private_webhook_targets=False) as built,
        TestClient(create_app(built)) as client,
    ):
        yield Api(client, ADMIN_TOKEN)


@pytest.mark.parametrize(
    ("token_url", "reason"),
    [("http://127.0.0.1/token", "loopback"), ("http://169.254.169.254/latest/token", "metadata")],
)
def test_the_token_url_obeys_the_webhook_url_rules(guarded_api: Api, token_url: str, reason: str) -> None:
    org = guarded_api.new_org()
    credentials = {
        "type": "oauth2ClientCredentials",
        "tokenUrl": token_url,
        "clientId": "c",
        "clientSecret": "s",
    }
    body = {"url": "http://93.184.215.14/hook", "eventNames": ["unit.paired"], "auth": credentials}
    url = f"/v1/organizations/{org.id}/subscriptions"

    refused = guarded_api.client.post(url, json=body, headers=org.headers)
    created = guarded_api.client.post(url, json={**body, "auth": None}, headers=org.headers)
    patched = guarded_api.client.patch(
        f"{url}/{created.json()['id']}", json={"auth": credentials}, headers=org.headers
    )

    assert refused.status_code == patched.status_code == 422
    assert refused.json()["code"] == patched.json()["code"] == "token_url_refused"
    assert reason in refused.json()["detail"]
