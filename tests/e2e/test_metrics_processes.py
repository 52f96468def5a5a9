"""One scrape of `/metrics` on the API port shows every process; `/readyz` shows the delivering one's state.

The case of the trial: PostgreSQL, `serve --workers 2`, MQTT on, one subscription retrying against a
receiver that answers 503. Also `serve` beside a `pairhub worker` sharing `PAIRHUB_METRICS_DIR`, and
the Grafana dashboard of `docs/`, whose every query must name a metric found in the scrape.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import _truncate_postgres
from tests.delivery_support import Receiver, Reply
from tests.e2e.processes import PAIRHUB, start_serve
from tests.e2e.test_serve_workers import call, serve_env, wait_for
from tests.mqtt_support import publish, running_broker, unit_topic

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana-dashboard.json"
STARTUP_S = 120
METRIC_NAME = re.compile(r"\bpairhub_[a-z0-9_]+")


def scrape(base_url: str) -> dict[str, float]:
    """The samples of `/metrics`, by name and labels as printed (`name{label="v"}`)."""
    with urllib.request.urlopen(f"{base_url}/metrics", timeout=30) as response:
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def sample(samples: dict[str, float], name: str, **labels: str) -> float:
    """The value of one series (0 when absent)."""
    wanted = [f'{key}="{value}"' for key, value in labels.items()]
    for series, value in samples.items():
        if series.split("{", 1)[0] == name and all(label in series for label in wanted):
            return value
    return 0.0


def retrying_subscription(base_url: str, receiver: Receiver) -> str:
    """An organization whose one subscription keeps retrying two events against a 503; its id."""
    receiver.always("/down", Reply(503))
    org = call(base_url, "POST", "/v1/organizations", {"name": "Metrics", "autoPairingEnabled": True})
    path = f"/v1/organizations/{org['id']}"
    subscription = {
        "url": receiver.url("/down"),
        "eventVersion": 2,
        "eventNames": ["unit.paired"],
        "maxWaitMs": 0,
    }
    call(base_url, "POST", f"{path}/subscriptions", subscription)
    for number in (1, 2):
        asset = call(base_url, "POST", f"{path}/assets", {"vin": f"1HGCM82633A00000{number}"})
        call(base_url, "POST", f"{path}/units", {"unitId": f"tp:{number}"})
        call(base_url, "POST", f"{path}/pairings", {"unitId": f"tp:{number}", "assetId": asset["id"]})
    return str(org["id"])


def stop_gracefully(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM and wait (a test failure must not leave the processes running)."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.postgres
def test_serve_workers_on_postgresql_shows_mqtt_retries_and_backlog(
    postgres_database: str, tmp_path: Path, receiver: Receiver
) -> None:
    _truncate_postgres(postgres_database)
    with running_broker(tmp_path) as broker:
        env = {
            **serve_env(postgres_database, poll_interval_s=0.05),
            "PAIRHUB_MQTT_URL": broker.url,
            "PAIRHUB_MQTT_CLIENT_ID": f"metrics-{os.getpid()}",
            "PAIRHUB_RETRY_SCHEDULE": ",".join(["0"] + ["0.3"] * 30),
        }
        process, base_url = start_serve(
            tmp_path, env, None, "--workers", "2", log=tmp_path / "serve.log", within_s=STARTUP_S
        )
        try:
            retrying_subscription(base_url, receiver)
            asyncio.run(publish(broker, [(unit_topic("tp:1"), {"vin": "1HGCM82633A000001"})]))
            shown = wait_for(
                lambda: (
                    (samples := scrape(base_url))
                    and sample(samples, "pairhub_mqtt_connected") == 1
                    and sample(samples, "pairhub_webhook_attempts_total", outcome="retry") >= 4
                    and sample(samples, "pairhub_webhook_backlog_events") >= 2
                    and sample(samples, "pairhub_mqtt_messages_total", outcome="accepted") >= 1
                ),
                within_s=90,
            )
            samples = scrape(base_url)
            ready = call(base_url, "GET", "/readyz")
        finally:
            stop_gracefully(process)

    assert shown, {name: value for name, value in samples.items() if "webhook" in name or "mqtt" in name}
    assert ready["checks"]["mqtt"] == "ok"
    assert ready["checks"]["delivery"] == "ok"
    for query in dashboard_queries():
        for name in METRIC_NAME.findall(query):
            assert any(series.split("{", 1)[0] == name for series in samples), (name, query)


def test_serve_beside_a_worker_shows_the_workers_attempts(tmp_path: Path, receiver: Receiver) -> None:
    env = {
        **serve_env(f"sqlite:///{tmp_path / 'pairhub.db'}", poll_interval_s=0.05),
        "PAIRHUB_METRICS_DIR": str(tmp_path / "metrics"),
        "PAIRHUB_RETRY_SCHEDULE": ",".join(["0"] + ["0.3"] * 30),
        "PAIRHUB_SERVE_DELIVERY": "false",
    }
    process, base_url = start_serve(tmp_path, env, None, log=tmp_path / "serve.log", within_s=STARTUP_S)
    with (tmp_path / "worker.log").open("wb") as worker_log:
        worker = subprocess.Popen(
            [PAIRHUB, "worker"],
            cwd=tmp_path,
            env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), **env},
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
    try:
        retrying_subscription(base_url, receiver)
        shown = wait_for(
            lambda: sample(scrape(base_url), "pairhub_webhook_attempts_total", outcome="retry") >= 2,
            STARTUP_S,
        )
        ready = call(base_url, "GET", "/readyz")
    finally:
        stop_gracefully(worker)
        stop_gracefully(process)
    assert shown, (tmp_path / "worker.log").read_text()[-2000:]
    assert ready["checks"]["delivery"] == "ok"


def dashboard_queries() -> list[str]:
    """Every query (`expr`) of the Grafana dashboard in docs/."""
    panels = json.loads(DASHBOARD.read_text())["panels"]
    queries = [target["expr"] for panel in panels for target in panel.get("targets", [])]
    assert queries, "the dashboard has queries"
    return queries
