"""`pairhub serve --workers N`: N API processes on one port and one background process, then SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pairhub.adapters.sql.doorbell import address_of
from tests.conftest import SECRET_KEY, _truncate_postgres
from tests.delivery_support import Receiver
from tests.e2e.processes import start_serve

ADMIN = "serve-workers-admin"


def call(base_url: str, method: str, path: str, body: Any = None, token: str = ADMIN) -> Any:
    request = urllib.request.Request(
        base_url + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def serve_env(database_url: str, poll_interval_s: float) -> dict[str, str]:
    """The settings of a `serve` that delivers to the local receiver."""
    return {
        "PAIRHUB_DATABASE_URL": database_url,
        "PAIRHUB_ADMIN_TOKEN": ADMIN,
        "PAIRHUB_SECRET_KEY": SECRET_KEY,
        "PAIRHUB_ALLOW_PRIVATE_WEBHOOK_TARGETS": "true",
        "PAIRHUB_ALLOW_INSECURE_WEBHOOKS": "true",
        "PAIRHUB_DELIVERY_POLL_INTERVAL": str(poll_interval_s),
    }


def wait_for(condition: Callable[[], bool], within_s: float = 30) -> bool:
    """Poll until `condition` holds; False when it never did."""
    deadline = time.monotonic() + within_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def children_of(pid: int) -> list[int]:
    """The pairhub processes `pid` started (Linux; not multiprocessing's resource tracker)."""
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    started = [int(child) for child in text.split()]
    return [child for child in started if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each backend (serve migrates it)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workers.db'}"
    url: str = request.getfixturevalue("postgres_database")
    _truncate_postgres(url)
    return url


def test_serve_with_workers_answers_delivers_and_stops_on_sigterm(
    tmp_path: Path, database_url: str, receiver: Receiver
) -> None:
    env = serve_env(database_url, poll_interval_s=0.05)
    process, base_url = start_serve(tmp_path, env, None, "--workers", "2", log=tmp_path / "serve.log")
    try:
        children = children_of(process.pid)
        org = call(base_url, "POST", "/v1/organizations", {"name": "Workers", "autoPairingEnabled": True})
        call(
            base_url,
            "POST",
            f"/v1/organizations/{org['id']}/subscriptions",
            {"url": receiver.url(), "eventVersion": 2, "eventNames": ["unit.paired"], "maxWaitMs": 0},
        )
        call(base_url, "POST", f"/v1/organizations/{org['id']}/assets", {"vin": "1HGCM82633A000001"})
        units = [f"tp:{n}" for n in range(1, 9)]
        for unit in units:
            call(base_url, "POST", f"/v1/organizations/{org['id']}/units", {"unitId": unit})
        # Many requests over fresh connections: the API processes share them through the one socket.
        answers = [
            call(base_url, "POST", "/v1/unit-messages", {"messages": [{"unitId": unit}]}) for unit in units
        ]
        pair = {"unitId": units[0], "vin": "1HGCM82633A000001"}
        call(base_url, "POST", "/v1/unit-messages", {"messages": [pair]})
        delivered = wait_for(lambda: bool(receiver.bodies()))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            raise

    assert len(children) == 3, "two API processes and one background process"
    assert all(answer == {"accepted": 1, "rejected": [], "moreRejected": 0} for answer in answers)
    assert delivered, "the background process delivered the pairing"
    assert receiver.bodies()[0]["eventsData"][0]["eventData"]["reason"] == "AutoPair"
    assert code == 0, (tmp_path / "serve.log").read_text()
    assert not any(alive(child) for child in children), "every child ended with the parent"


def test_on_sqlite_the_api_processes_wake_the_delivery_process(tmp_path: Path, receiver: Receiver) -> None:
    # A poll interval longer than the wait below: only the doorbell brings the event in time.
    env = serve_env(f"sqlite:///{tmp_path / 'doorbell.db'}", poll_interval_s=120)
    process, base_url = start_serve(tmp_path, env, None, "--workers", "1", log=tmp_path / "serve.log")
    try:
        org = call(base_url, "POST", "/v1/organizations", {"name": "Doorbell"})
        call(
            base_url,
            "POST",
            f"/v1/organizations/{org['id']}/subscriptions",
            {"url": receiver.url(), "eventVersion": 1, "eventNames": ["unit.paired"], "maxWaitMs": 0},
        )
        asset = call(base_url, "POST", f"/v1/organizations/{org['id']}/assets", {"vin": "1HGCM82633A000001"})
        call(base_url, "POST", f"/v1/organizations/{org['id']}/units", {"unitId": "tp:1"})
        # The delivery process binds the doorbell, then polls once: the pairing comes after that poll.
        bound = address_of(tmp_path / "doorbell.db").replace("\0", "@")
        assert wait_for(lambda: bound in Path("/proc/net/unix").read_text())
        time.sleep(1)
        pairing = {"unitId": "tp:1", "assetId": asset["id"]}
        call(base_url, "POST", f"/v1/organizations/{org['id']}/pairings", pairing)
        delivered = wait_for(lambda: bool(receiver.bodies()), within_s=60)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=40)

    assert delivered, (tmp_path / "serve.log").read_text()
    assert receiver.bodies()[0]["eventsData"][0]["eventData"]["reason"] == "ManualPair"
