"""Stops: the children of `serve --workers N` end when their parent dies, and SIGTERM drains deliveries."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from tests.delivery_support import Receiver, Reply
from tests.e2e.processes import free_port, start_serve, stop
from tests.e2e.test_serve_workers import alive, call, children_of, serve_env, wait_for

ORPHAN_LIMIT_S = 2.0
SCHEDULING_SLACK_S = 1.0
"""The children end within 2 s by design; the shared test machine may schedule them a little late."""
STARTUP_S = 120
"""Three children importing pairhub at once take a while on a loaded machine (a readiness wait)."""


def test_children_end_when_the_parent_is_killed_and_the_port_can_be_taken_again(tmp_path: Path) -> None:
    env = serve_env(f"sqlite:///{tmp_path / 'orphans.db'}", poll_interval_s=0.2)
    port = free_port()
    process, base_url = start_serve(
        tmp_path, env, port, "--workers", "2", log=tmp_path / "first.log", within_s=STARTUP_S
    )
    children = children_of(process.pid)
    assert len(children) == 3
    assert call(base_url, "GET", "/healthz")["status"] == "ok"

    process.kill()
    process.wait(timeout=10)
    gone = wait_for(lambda: not any(alive(child) for child in children), ORPHAN_LIMIT_S + SCHEDULING_SLACK_S)

    assert gone, [child for child in children if alive(child)]
    again, _ = start_serve(
        tmp_path, env, port, "--workers", "2", log=tmp_path / "second.log", within_s=STARTUP_S
    )
    try:
        assert call(base_url, "GET", "/healthz")["status"] == "ok"
    finally:
        again.send_signal(signal.SIGTERM)
        assert again.wait(timeout=40) == 0


def test_sigterm_lets_an_attempt_in_flight_finish_and_records_it(tmp_path: Path, receiver: Receiver) -> None:
    receiver.always("/slow", Reply(delay=1.5))
    env = serve_env(f"sqlite:///{tmp_path / 'drain.db'}", poll_interval_s=0.05)
    process, base_url = start_serve(
        tmp_path, env, None, "--workers", "1", log=tmp_path / "serve.log", within_s=STARTUP_S
    )
    try:
        org = call(base_url, "POST", "/v1/organizations", {"name": "Drain"})
        path = f"/v1/organizations/{org['id']}"
        sub = call(
            base_url,
            "POST",
            f"{path}/subscriptions",
            {"url": receiver.url("/slow"), "eventVersion": 2, "eventNames": ["unit.paired"], "maxWaitMs": 0},
        )
        asset = call(base_url, "POST", f"{path}/assets", {"vin": "1HGCM82633A000001"})
        call(base_url, "POST", f"{path}/units", {"unitId": "tp:1"})
        call(base_url, "POST", f"{path}/pairings", {"unitId": "tp:1", "assetId": asset["id"]})
        in_flight = wait_for(lambda: bool(receiver.requests("/slow")))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    log = (tmp_path / "serve.log").read_text()
    assert in_flight, log
    assert code == 0, log

    again, base_url = start_serve(tmp_path, {**env, "PAIRHUB_SERVE_DELIVERY": "false"}, None)
    try:
        batches = call(base_url, "GET", f"{path}/subscriptions/{sub['id']}/batches")["data"]
    finally:
        stop(again)
    assert [(batch["status"], batch["attempts"]) for batch in batches] == [("delivered", 1)]
    assert len(receiver.requests("/slow")) == 1
