"""`pairhub listen`: verifies both signatures, refuses bad or stale ones, prints and forwards."""

from __future__ import annotations

import base64
import io
import json
import time

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rich.console import Console
from typer.testing import CliRunner

from pairhub.entrypoints import cli
from pairhub.entrypoints.listen import ListenOptions, build_app
from pairhub.receiver.signing import body_signature, sign
from tests.golden.seed_examples import seed_examples

SECRET = "whsec_" + base64.b64encode(b"s" * 32).decode()
BODY = json.dumps(seed_examples()["v2-unit.paired-MultipleMatchFound"]).encode()


def signed(
    body: bytes,
    secret: str = SECRET,
    at: int | None = None,
    message_id: str = "31fccdce-725e-4c87-a91b-3a8e66144641",
) -> dict[str, str]:
    timestamp = int(time.time()) if at is None else at
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
        "x-signature-256": body_signature(secret, body),
    }


async def _post(server: TestServer, headers: dict[str, str], body: bytes) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(server.make_url("/"), data=body, headers=headers) as r,
    ):
        return r.status


async def test_good_signature_is_printed_one_line_per_event() -> None:
    output = io.StringIO()
    server = TestServer(build_app(ListenOptions([SECRET]), Console(file=output, width=200)))
    await server.start_server()
    try:
        status = await _post(server, signed(BODY), BODY)
    finally:
        await server.close()
    assert status == 200
    text = output.getvalue()
    assert "batch 31fccdce-725e-4c87-a91b-3a8e66144641 (1 events)" in text
    assert "MultipleMatchFound" in text and "krone:890123847562332" in text


async def test_bad_stale_and_body_only_forgeries_get_401() -> None:
    output = io.StringIO()
    server = TestServer(build_app(ListenOptions([SECRET]), Console(file=output, width=200)))
    other = "whsec_" + base64.b64encode(b"x" * 32).decode()
    stale = signed(BODY, at=int(time.time()) - 3600)
    body_forged = signed(BODY) | {"x-signature-256": body_signature(other, BODY)}
    await server.start_server()
    try:
        statuses = [
            await _post(server, signed(BODY, secret=other), BODY),
            await _post(server, stale, BODY),
            await _post(server, body_forged, BODY),
        ]
    finally:
        await server.close()
    assert statuses == [401, 401, 401]
    assert output.getvalue().count("refused") == 3


async def test_verified_batches_are_forwarded_with_their_headers() -> None:
    received: list[tuple[bytes, str]] = []

    async def app_endpoint(request: web.Request) -> web.Response:
        received.append((await request.read(), request.headers["webhook-signature"]))
        return web.Response(status=202, text="queued")

    downstream_app = web.Application()
    downstream_app.router.add_post("/hook", app_endpoint)
    downstream = TestServer(downstream_app)
    await downstream.start_server()
    options = ListenOptions([SECRET], raw_json=True, forward_url=str(downstream.make_url("/hook")))
    listener = TestServer(build_app(options, Console(file=io.StringIO())))
    await listener.start_server()
    headers = signed(BODY)
    try:
        status = await _post(listener, headers, BODY)
    finally:
        await listener.close()
        await downstream.close()
    assert status == 202
    assert received == [(BODY, headers["webhook-signature"])]


async def test_unpaired_vin_and_locations_are_printed_and_a_redelivery_is_marked() -> None:
    output = io.StringIO()
    unpaired = json.dumps(seed_examples()["v1-unit.unpaired-unpaired"]).encode()
    server = TestServer(build_app(ListenOptions([SECRET]), Console(file=output, width=300)))
    await server.start_server()
    try:
        statuses = [await _post(server, signed(body), body) for body in (BODY, BODY)]
        await _post(server, signed(unpaired, message_id="another-batch"), unpaired)
    finally:
        await server.close()
    lines = output.getvalue().splitlines()
    assert statuses == [200, 200]
    assert "duplicate" not in lines[0]
    assert "at=50.869,2.8942" in lines[1]
    assert lines[2].startswith("batch 31fccdce") and "duplicate" in lines[2]
    assert "assetVIN=1HGCM82633A000001" in lines[-1] and "unit.unpaired" in lines[-1]


def ed25519_signed(body: bytes, private: Ed25519PrivateKey) -> dict[str, str]:
    """Headers of an ed25519 subscription's request: `v1a` only, no body hash."""
    message_id, timestamp = "31fccdce-725e-4c87-a91b-3a8e66144641", int(time.time())
    signature = private.sign(f"{message_id}.{timestamp}.".encode() + body)
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": "v1a," + base64.b64encode(signature).decode(),
    }


def whpk(private: Ed25519PrivateKey) -> str:
    return "whpk_" + base64.b64encode(private.public_key().public_bytes_raw()).decode()


async def test_public_keys_verify_v1a_requests_without_a_body_hash() -> None:
    private, stranger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    options = ListenOptions([SECRET], public_keys=[whpk(private)])
    server = TestServer(build_app(options, Console(file=io.StringIO(), width=200)))
    await server.start_server()
    try:
        ours = await _post(server, ed25519_signed(BODY, private), BODY)
        forged = await _post(server, ed25519_signed(BODY, stranger), BODY)
        without_hash = {k: v for k, v in signed(BODY).items() if k != "x-signature-256"}
        hmac_without_hash = await _post(server, without_hash, BODY)
    finally:
        await server.close()

    assert (ours, forged, hmac_without_hash) == (200, 401, 401)


def test_listen_wants_a_secret_or_a_well_formed_public_key() -> None:
    runner = CliRunner()

    neither = runner.invoke(cli.app, ["listen"])
    malformed = runner.invoke(cli.app, ["listen", "--public-key", "whpk_c2hvcnQ="])

    assert neither.exit_code == malformed.exit_code == 2
    assert "--public-key" in neither.output and "is not a public key" in malformed.output
