"""ed25519 subscriptions: `v1a` signatures that verify from the published JWK Set alone, across a rotation."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.entrypoints.api.app import create_app
from pairhub.receiver import verify
from tests.delivery_support import Received, Receiver, drain, pair_units, subscribe
from tests.e2e.processes import free_port
from tests.support import Api, serving

PATH = "/ed25519"
INTEGRATORS = Path(__file__).resolve().parents[3] / "docs" / "integrators.md"
DAY_S = 24 * 3600


@pytest.fixture
def api_url(container: Container) -> Iterator[str]:
    """The API of this container over real HTTP, where receivers fetch the JWK Set."""
    with serving(create_app(container), free_port()) as base_url:
        yield base_url


def fetch_jwks(api_url: str, sub: dict[str, Any]) -> list[dict[str, str]]:
    """The JWK Set as a receiver fetches it: plain HTTP, no token."""
    answer = httpx.get(api_url + sub["jwksUrl"], timeout=10)
    assert answer.status_code == 200, answer.text
    keys: list[dict[str, str]] = answer.json()["keys"]
    return keys


def key_of(jwk: dict[str, str]) -> Ed25519PublicKey:
    """A public key from its JWK, with nothing but `cryptography`."""
    assert (jwk["kty"], jwk["crv"], jwk["use"], jwk["alg"]) == ("OKP", "Ed25519", "sig", "EdDSA")
    return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(jwk["x"] + "=="))


def v1a_signatures(request: Received) -> list[bytes]:
    """The `v1a` signatures of a request; it carries no other kind."""
    parts = request.headers["webhook-signature"].split(" ")
    assert all(part.startswith("v1a,") for part in parts)
    return [base64.b64decode(part.removeprefix("v1a,")) for part in parts]


def signs(jwk: dict[str, str], signature: bytes, request: Received) -> bool:
    """True when the key of `jwk` made `signature` over `id.timestamp.body`."""
    headers = request.headers
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + request.body
    try:
        key_of(jwk).verify(signature, content)
    except InvalidSignature:
        return False
    return True


def x_of(public_key: str) -> str:
    """The JWK `x` of a `whpk_` public key."""
    raw = base64.b64decode(public_key.removeprefix("whpk_"))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def test_v1a_signatures_verify_from_the_jwk_set_alone_before_during_and_after_a_rotation(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock, api_url: str
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH), signatureAlgorithm="ed25519")
    url = f"/v1/organizations/{org.id}/subscriptions/{sub['id']}"
    before = fetch_jwks(api_url, sub)
    pair_units(container, org.id, 1, prefix="a")
    await drain(container.delivery_worker)

    [first] = receiver.requests(PATH)
    assert "secret" not in sub and sub["signatureAlgorithm"] == "ed25519"
    assert [jwk["x"] for jwk in before] == [x_of(sub["publicKey"])]
    assert [signs(before[0], signature, first) for signature in v1a_signatures(first)] == [True]
    assert "X-Signature-256" not in first.headers

    rotated = api.client.post(f"{url}/rotate-secret", headers=org.headers).json()
    during = fetch_jwks(api_url, sub)
    pair_units(container, org.id, 1, prefix="b")
    await drain(container.delivery_worker)

    second = receiver.requests(PATH)[1]
    assert "secret" not in rotated and rotated["previousPublicKey"] == sub["publicKey"]
    assert [jwk["x"] for jwk in during] == [x_of(rotated["publicKey"]), x_of(sub["publicKey"])]
    signatures = v1a_signatures(second)
    # Each key makes exactly one of the two signatures: the new one first, the previous one second.
    assert [[signs(jwk, sig, second) for sig in signatures] for jwk in during] == [
        [True, False],
        [False, True],
    ]
    # A receiver that still holds the set fetched before the rotation verifies as well.
    assert any(signs(before[0], sig, second) for sig in signatures)

    clock.advance(DAY_S + 1)
    after = fetch_jwks(api_url, sub)
    pair_units(container, org.id, 1, prefix="c")
    await drain(container.delivery_worker)

    third = receiver.requests(PATH)[2]
    assert [jwk["kid"] for jwk in after] == [during[0]["kid"]]
    [signature] = v1a_signatures(third)
    assert signs(after[0], signature, third) and not signs(before[0], signature, third)
    shown = api.client.get(url, headers=org.headers).json()
    assert shown["previousPublicKey"] is None and shown["publicKey"] == rotated["publicKey"]


async def test_the_receiver_library_verifies_v1a_with_the_public_key(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH), signatureAlgorithm="ed25519")
    other = subscribe(api, org, receiver.url("/other"), signatureAlgorithm="ed25519")
    pair_units(container, org.id, 1)
    await drain(container.delivery_worker)

    [request] = receiver.requests(PATH)
    headers = {name.lower(): value for name, value in request.headers.items()}
    assert verify([sub["publicKey"]], headers, request.body) == request.batch_id
    with pytest.raises(Exception, match="no signature matches"):
        verify([other["publicKey"]], headers, request.body)
    with pytest.raises(Exception, match="no signature matches"):
        verify([sub["publicKey"]], headers, request.body + b" ")


def test_an_hmac_subscription_has_no_public_key_and_no_jwk_set(api: Api, receiver: Receiver) -> None:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH))
    url = f"/v1/organizations/{org.id}/subscriptions/{sub['id']}"

    jwks = api.client.get(f"/v1/subscriptions/{sub['id']}/jwks.json")
    missing = api.client.get("/v1/subscriptions/00000000-0000-0000-0000-000000000000/jwks.json")
    patched = api.client.patch(url, json={"signatureAlgorithm": "ed25519"}, headers=org.headers)

    assert sub["secret"].startswith("whsec_") and sub["signatureAlgorithm"] == "hmac-sha256"
    assert (sub["publicKey"], sub["previousPublicKey"], sub["jwksUrl"]) == (None, None, None)
    assert jwks.status_code == missing.status_code == 404
    assert jwks.headers["content-type"] == "application/problem+json"
    assert jwks.json()["code"] == missing.json()["code"] == "jwks_not_found"
    assert patched.status_code == 422


def _snippet(language: str, marker: str) -> str:
    """The code block of docs/integrators.md in `language` that contains `marker`."""
    blocks = re.findall(rf"```{language}\n(.*?)```", INTEGRATORS.read_text(), re.DOTALL)
    [block] = [block for block in blocks if marker in block]
    return block


async def _one_signed_request(
    api: Api, container: Container, receiver: Receiver
) -> tuple[dict[str, Any], Received]:
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH), signatureAlgorithm="ed25519")
    pair_units(container, org.id, 1)
    await drain(container.delivery_worker)
    [request] = receiver.requests(PATH)
    return sub, request


async def test_the_python_snippet_of_the_guide_verifies_a_real_request(
    api: Api, container: Container, receiver: Receiver, api_url: str
) -> None:
    sub, request = await _one_signed_request(api, container, receiver)
    snippet: dict[str, Any] = {}
    exec(_snippet("python", "def verify_ed25519"), snippet)
    headers = {name.lower(): value for name, value in request.headers.items()}

    keys = snippet["load_public_keys"](api_url + sub["jwksUrl"])

    assert snippet["verify_ed25519"](keys, headers, request.body) == request.batch_id
    with pytest.raises(PermissionError, match="no valid signature"):
        snippet["verify_ed25519"](keys, headers, request.body.replace(b"unit.paired", b"unit.unpaird"))


NODE_HARNESS = """
const input = JSON.parse(process.argv[2]);
const keys = await loadPublicKeys(input.jwksUrl);
const body = Buffer.from(input.body, "base64");
const outcome = { genuine: verifyEd25519(keys, input.headers, body) };
try {
  verifyEd25519(keys, input.headers, Buffer.concat([body, Buffer.from(" ")]));
  outcome.tampered = "accepted";
} catch (error) {
  outcome.tampered = error.message;
}
console.log(JSON.stringify(outcome));
"""


async def test_the_node_snippet_of_the_guide_verifies_a_real_request(
    api: Api, container: Container, receiver: Receiver, api_url: str, tmp_path: Path
) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the JavaScript snippet of docs/integrators.md is not run")
    sub, request = await _one_signed_request(api, container, receiver)
    script = tmp_path / "verify.mjs"
    script.write_text(_snippet("js", "verifyEd25519") + NODE_HARNESS)
    given = {
        "jwksUrl": api_url + sub["jwksUrl"],
        "headers": {name.lower(): value for name, value in request.headers.items()},
        "body": base64.b64encode(request.body).decode(),
    }

    ran = subprocess.run([node, str(script), json.dumps(given)], capture_output=True, text=True, timeout=60)

    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {"genuine": request.batch_id, "tampered": "no valid signature"}
