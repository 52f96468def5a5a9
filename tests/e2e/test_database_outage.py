"""A database that cannot be reached: 503 `storage_unavailable`, `/readyz` says why, the loops resume.

The test stops a private PostgreSQL cluster of its own (never the shared server) under a running
`pairhub serve`, then starts it again.
"""

from __future__ import annotations

import json
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import SECRET_KEY
from tests.delivery_support import Receiver
from tests.e2e.processes import start_serve
from tests.e2e.test_serve_workers import wait_for
from tests.pg_cluster import Cluster, private_postgres

__all__ = ["private_postgres"]

ADMIN = "outage-admin"


def log_events(path: Path) -> list[dict[str, Any]]:
    """The JSON log lines of the server (other lines are left out)."""
    events = []
    for line in path.read_text().splitlines():
        if line.startswith("{"):
            events.append(json.loads(line))
    return events


def outages_logged(path: Path) -> Counter[str]:
    """How many times each loop logged the start of an outage."""
    return Counter(event.get("loop", "") for event in log_events(path) if event["event"] == "storage_outage")


def test_an_unreachable_database_is_a_503_and_everything_resumes_after_it(
    private_postgres: Cluster, tmp_path: Path, receiver: Receiver
) -> None:
    private_postgres.create_database("pairhub")
    env = {
        "PAIRHUB_DATABASE_URL": private_postgres.url("pairhub"),
        "PAIRHUB_SECRET_KEY": SECRET_KEY,
        "PAIRHUB_ADMIN_TOKEN": ADMIN,
        "PAIRHUB_INGEST_TOKEN": ADMIN + "-ingest",
        "PAIRHUB_ALLOW_PRIVATE_WEBHOOK_TARGETS": "true",
        "PAIRHUB_ALLOW_INSECURE_WEBHOOKS": "true",
        "PAIRHUB_DELIVERY_POLL_INTERVAL": "0.1",
        "PAIRHUB_REMINDER_INTERVAL": "1",
        "PAIRHUB_LOG_FORMAT": "json",
    }
    log = tmp_path / "serve.log"
    process, base_url = start_serve(tmp_path, env, None, log=log, within_s=120)
    api = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30)
    try:
        org = api.post("/v1/organizations", json={"name": "Outage"}).json()
        path = f"/v1/organizations/{org['id']}"
        subscription = {
            "url": receiver.url(),
            "eventVersion": 2,
            "eventNames": ["unit.paired"],
            "maxWaitMs": 0,
        }
        assert api.post(f"{path}/subscriptions", json=subscription).status_code == 201
        asset = api.post(f"{path}/assets", json={"vin": "1HGCM82633A000001"}).json()
        assert api.post(f"{path}/units", json={"unitId": "tp:1"}).status_code == 201

        private_postgres.stop()
        listed = api.get(f"{path}/units")
        posted = api.post(
            "/v1/unit-messages",
            json={"messages": [{"unitId": "tp:1"}]},
            headers={"Authorization": f"Bearer {ADMIN}-ingest"},
        )
        ready = api.get("/readyz")
        every_loop_noticed = wait_for(lambda: {"delivery", "reminders"} <= set(outages_logged(log)), 60)

        private_postgres.start()
        back = wait_for(lambda: api.get("/readyz").status_code == 200, 60)
        paired = api.post(f"{path}/pairings", json={"unitId": "tp:1", "assetId": asset["id"]})
        delivered = wait_for(lambda: bool(receiver.bodies()), 60)
        recovered = wait_for(
            lambda: any(
                e["event"] == "storage_recovered" and e["loop"] == "delivery" for e in log_events(log)
            ),
            30,
        )
    finally:
        api.close()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)

    for refused in (listed, posted):
        assert refused.status_code == 503, refused.text
        assert refused.json()["code"] == "storage_unavailable"
        assert int(refused.headers["Retry-After"]) > 0
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("unavailable: StorageUnavailable: PostgreSQL")
    assert every_loop_noticed, log.read_text()[-3000:]
    assert back and paired.status_code == 201, paired.text
    assert delivered, "delivery resumed by itself"
    assert recovered
    events = log_events(log)
    assert not [e for e in events if e["event"] in ("unhandled_error", "background_loop_crashed")]
    # One line per loop for the whole outage, however many times each loop tried meanwhile.
    assert all(count == 1 for count in outages_logged(log).values()), outages_logged(log)
