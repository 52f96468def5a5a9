"""`pairhub serve --demo` as a real process: every pairing outcome arrives at the built-in receiver."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pairhub.entrypoints import demo
from pairhub.receiver.signing import sign
from tests.e2e.demo_support import (
    ADMIN_TOKEN,
    DemoServer,
    everything_arrived,
    paired,
    wait_for_every_outcome,
)


@pytest.fixture
def start_demo(tmp_path: Path) -> Iterator[Callable[[], DemoServer]]:
    """Start demo servers on one working directory (so one SQLite file); stop them all at the end."""
    started: list[DemoServer] = []

    def start() -> DemoServer:
        server = DemoServer(tmp_path)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _post_forged_batch(server: DemoServer, subscription_id: str) -> int:
    body = json.dumps(
        {
            "eventBatchId": "31fccdce-725e-4c87-a91b-3a8e66144641",
            "eventSubscriptionId": subscription_id,
            "eventBatchTime": "2025-05-13T13:18:13.2017310Z",
            "eventsData": [],
        }
    ).encode()
    timestamp = int(time.time())
    other_secret = "whsec_" + base64.b64encode(bytes(32)).decode()
    request = urllib.request.Request(
        server.base_url + "/demo/receiver",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "webhook-id": "31fccdce-725e-4c87-a91b-3a8e66144641",
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(other_secret, "31fccdce-725e-4c87-a91b-3a8e66144641", timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status: int = response.status
    except urllib.error.HTTPError as error:
        status = error.code
        error.close()
    return status


def test_demo_shows_every_outcome_at_the_built_in_receiver(start_demo: Callable[[], DemoServer]) -> None:
    server = start_demo()
    events = wait_for_every_outcome(server)
    summary = [(item["eventType"], item["eventData"].get("reason")) for item in events]
    assert everything_arrived(events), f"{summary}\n{server.output()}"

    auto = paired(events, "AutoPair")
    exact = [data for data in auto if data["sensorVIN"] == data["assetVIN"]]
    truncated = [data for data in auto if len(data["sensorVIN"]) < 17]
    one_typo = [
        data for data in auto if len(data["sensorVIN"]) == 17 and data["sensorVIN"] != data["assetVIN"]
    ]
    assert exact and truncated and one_typo, summary
    assert all(data["status"] == "success" and "location" in data for data in auto)
    assert truncated[0]["assetVIN"].endswith(truncated[0]["sensorVIN"])
    assert [d["status"] for d in paired(events, "ManualPair")] == ["success"]
    assert paired(events, "InvalidData")[0]["sensorVIN"] == "XXXXXX"
    assert len(paired(events, "MultipleMatchFound")[0]["candidateAssetIds"]) == 2

    not_found = paired(events, "NotFound")
    assert len({data["unitId"] for data in not_found}) == 1, (
        "one NotFound unit: the first event and its reminders"
    )
    rematched = [data for data in auto if data["unitId"] == not_found[0]["unitId"]]
    assert rematched[0]["assetVIN"] == not_found[0]["sensorVIN"], "the created asset pairs the waiting unit"

    unpaired = [item["eventData"] for item in events if item["eventType"] == "unit.unpaired"]
    assert unpaired[0]["unitId"] == exact[0]["unitId"]
    assert unpaired[0]["assetVIN"] == exact[0]["assetVIN"]

    received = server.get("/demo/receiver")
    assert received["refused"] == 0
    assert _post_forged_batch(server, received["batches"][0]["eventSubscriptionId"]) == 401
    assert server.get("/demo/receiver")["refused"] == 1
    page = server.text("/demo/batches")
    assert "several matching assets" in page and not_found[0]["unitId"] in page
    assert "MultipleMatchFound" not in page  # reasons in words; times local (times.js)

    output = server.output()
    assert "Demo organization key: phk_" in output
    assert "sign in as demo@pairhub.example with the password " in output
    assert f"{server.base_url}/ui" in output
    assert f"{server.base_url}/demo/batches" in output


def test_a_second_start_on_the_same_database_seeds_nothing(start_demo: Callable[[], DemoServer]) -> None:
    first = start_demo()
    organizations = first.get("/v1/organizations", ADMIN_TOKEN)["data"]
    assert [org["name"] for org in organizations] == [demo.ORGANIZATION_NAME]
    org_id = organizations[0]["id"]
    first.stop()

    second = start_demo()
    again = second.get("/v1/organizations", ADMIN_TOKEN)["data"]
    assets = second.get(f"/v1/organizations/{org_id}/assets?limit=500", ADMIN_TOKEN)["data"]
    units = second.get(f"/v1/organizations/{org_id}/units?limit=500", ADMIN_TOKEN)["data"]
    subscriptions = second.get(f"/v1/organizations/{org_id}/subscriptions", ADMIN_TOKEN)["data"]
    assert [org["id"] for org in again] == [org_id]
    assert {asset["vin"] for asset in assets} <= {asset.vin for asset in (*demo.ASSETS, demo.LATE_ASSET)}
    assert len(units) == len(demo.UNITS)
    assert len(subscriptions) == 1
    assert "the database already has data; nothing seeded" in second.output()
    assert "Demo organization key" not in second.output()


def test_demo_durations_give_way_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAIRHUB_DEMO_SPEED", "4")
    monkeypatch.setenv("PAIRHUB_REMINDER_WINDOW", "3600")
    monkeypatch.delenv("PAIRHUB_REMINDER_INTERVAL", raising=False)
    settings = demo.demo_settings()
    assert settings.reminder_interval == 5.0, "the compressed 20 s, four times faster"
    assert settings.reminder_window == 3600.0, "set by the operator, kept"
    assert settings.allow_private_webhook_targets and settings.allow_insecure_webhooks


def test_loopback_url_replaces_wildcard_addresses() -> None:
    assert demo.loopback_url("http://0.0.0.0:8000") == "http://127.0.0.1:8000"
    assert demo.loopback_url("http://[::1]:8000") == "http://[::1]:8000"
    assert demo.loopback_url("http://localhost:9000") == "http://localhost:9000"
