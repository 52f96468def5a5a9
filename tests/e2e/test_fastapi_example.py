"""The FastAPI receiver of docs/integrators.md, run for real against a real `pairhub serve`."""

from __future__ import annotations

import base64
import importlib.util
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from pairhub.receiver.signing import sign
from tests.e2e.processes import free_port, start_serve, stop
from tests.support import serving

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = DOCS / "examples" / "fastapi_receiver.py"
INTEGRATORS = DOCS / "integrators.md"
ADMIN_TOKEN = "example-admin-token"
UNIT_ID = "tp:890123847562332"
OTHER_SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()


def test_the_integrators_guide_embeds_the_example_verbatim() -> None:
    assert EXAMPLE.read_text() in INTEGRATORS.read_text()


def _load_example(secret: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # The example reads its secret at import, as an application configured by its environment does.
    monkeypatch.setenv("PAIRHUB_WEBHOOK_SECRET", secret)
    spec = importlib.util.spec_from_file_location("fastapi_receiver_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def pairhub_api(tmp_path: Path) -> Iterator[httpx.Client]:
    """A real `pairhub serve` that may deliver to loopback over HTTP, and an admin client of it."""
    env = {
        "PAIRHUB_ADMIN_TOKEN": ADMIN_TOKEN,
        "PAIRHUB_ALLOW_PRIVATE_WEBHOOK_TARGETS": "true",
        "PAIRHUB_ALLOW_INSECURE_WEBHOOKS": "true",
    }
    process, base_url = start_serve(tmp_path, env)
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    try:
        with httpx.Client(base_url=base_url, headers=headers, timeout=10) as client:
            yield client
    finally:
        stop(process)


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _eventually(condition: Callable[[], bool], within_s: float = 20) -> bool:
    # Polling with a deadline, not a timing assertion: it returns as soon as delivery has happened.
    deadline = time.monotonic() + within_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_the_example_keeps_pairings_from_real_deliveries_and_refuses_forgeries(
    pairhub_api: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = _created(pairhub_api.post("/v1/organizations", json={"name": "Example Fleet"}))["id"]
    base = f"/v1/organizations/{org}"
    asset = _created(pairhub_api.post(f"{base}/assets", json={"vin": "1HGCM82633A000001"}))["id"]
    _created(pairhub_api.post(f"{base}/units", json={"unitId": UNIT_ID}))
    port = free_port()
    subscription = _created(
        pairhub_api.post(
            f"{base}/subscriptions",
            json={
                "url": f"http://127.0.0.1:{port}/pairhub",
                "eventVersion": 1,
                "eventNames": ["unit.paired", "unit.unpaired"],
                "maxWaitMs": 0,
            },
        )
    )
    example = _load_example(subscription["secret"], monkeypatch)

    with serving(example.app, port):
        _created(pairhub_api.post(f"{base}/pairings", json={"unitId": UNIT_ID, "assetId": asset}))
        assert _eventually(lambda: example.pairings.units_on(asset) == [UNIT_ID])

        unpaired = pairhub_api.delete(f"{base}/pairings/{UNIT_ID}")
        assert unpaired.status_code == 200, unpaired.text
        assert _eventually(lambda: example.pairings.units_on(asset) == [])

        body = json.dumps(
            {
                "eventBatchId": "31fccdce-725e-4c87-a91b-3a8e66144641",
                "eventSubscriptionId": subscription["id"],
                "eventBatchTime": "2025-05-13T13:18:13.2017310Z",
                "eventsData": [],
            }
        ).encode()
        timestamp = int(time.time())
        forged = httpx.post(
            f"http://127.0.0.1:{port}/pairhub",
            content=body,
            headers={
                "Content-Type": "application/json",
                "webhook-id": "31fccdce-725e-4c87-a91b-3a8e66144641",
                "webhook-timestamp": str(timestamp),
                "webhook-signature": sign(
                    OTHER_SECRET, "31fccdce-725e-4c87-a91b-3a8e66144641", timestamp, body
                ),
            },
        )
    assert forged.status_code == 401, forged.text

    def delivered() -> list[dict[str, object]]:
        found = pairhub_api.get(f"{base}/subscriptions/{subscription['id']}/batches").json()["data"]
        return [batch for batch in found if batch["status"] == "delivered"]

    # Recording a delivery follows the receiver's answer (by up to RECORD_WITHIN_S).
    assert _eventually(lambda: len(delivered()) == 2), delivered()
