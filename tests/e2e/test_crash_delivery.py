"""Crash safety: a real `pairhub serve` is SIGKILLed again and again while 2,000 events are delivered.

Afterwards every event has been received at least once and every `eventBatchId` always carried the same
bytes, signed so that `standardwebhooks` verifies every request.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pairhub import bootstrap
from pairhub.contract.render import render_event_data
from pairhub.ports import EventQuery
from tests.conftest import SECRET_KEY, make_settings
from tests.delivery_support import Received, Receiver, Reply

EVENTS = 2000
KILLS = 6
PAIRHUB = str(Path(sys.executable).with_name("pairhub"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment(database_url: str) -> dict[str, str]:
    """A compressed schedule through environment variables with fractional durations."""
    return {
        **os.environ,
        "PAIRHUB_DATABASE_URL": database_url,
        "PAIRHUB_SECRET_KEY": SECRET_KEY,
        "PAIRHUB_ADMIN_TOKEN": "crash-admin",
        "PAIRHUB_ALLOW_PRIVATE_WEBHOOK_TARGETS": "true",
        "PAIRHUB_ALLOW_INSECURE_WEBHOOKS": "true",
        "PAIRHUB_RETRY_SCHEDULE": "0,0.05,0.1,0.2,0.4",
        "PAIRHUB_ONHOLD_PROBE_INTERVAL": "0.5",
        "PAIRHUB_DELIVERY_TIMEOUT": "0.75",
        "PAIRHUB_DELIVERY_LEASE": "1.5",
        "PAIRHUB_DELIVERY_POLL_INTERVAL": "0.05",
        "PAIRHUB_LOG_FORMAT": "json",
    }


def start_serve(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [PAIRHUB, "serve", "--port", str(free_port())],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def delivered_events(requests: list[Received]) -> Counter[str]:
    seen: Counter[str] = Counter()
    batches: dict[str, bytes] = {}
    for request in requests:
        if batches.setdefault(request.batch_id, request.body) != request.body:
            continue  # a second body under one id is reported by the test itself
        for item in json.loads(request.body)["eventsData"]:
            seen[json.dumps(item["eventData"])] += 1
    return seen


def produce(container: Any, organization_id: str) -> None:
    """2,000 events: 500 units, each paired, unpaired, paired and unpaired again."""
    asset = container.assets.create(organization_id, None, "Crash trailer").asset.id
    units = [f"crash:{n:04d}" for n in range(EVENTS // 4)]
    for unit in units:
        container.units.provision(organization_id, unit)
    for _ in range(2):
        for unit in units:
            container.pairing.pair(organization_id, unit, asset)
        for unit in units:
            container.pairing.unpair(organization_id, unit)


@pytest.mark.slow
def test_sigkilled_server_loses_nothing_and_never_changes_a_batch(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'crash.db'}"
    container = bootstrap.build(make_settings(database_url))
    container.migrate()
    env = environment(database_url)
    log = tmp_path / "serve.log"
    with Receiver() as receiver:
        # Every 9th request fails (retries); every answer is a little late (kills land mid-flight).
        receiver.answer = lambda n: Reply(503 if n % 9 == 0 else 200, delay=0.01)
        org = container.organizations.create("Crash Fleet", False, True)
        _, secret = container.subscriptions.create(
            org.id,
            url=receiver.url("/hook"),
            event_version=1,
            names=["unit.paired", "unit.unpaired"],
            max_batch_size=40,
            max_wait_ms=20,
        )
        producer = threading.Thread(target=produce, args=(container, org.id))
        producer.start()
        kills = 0
        try:
            for _ in range(KILLS):
                before = len(receiver.requests())
                server = start_serve(env, log)
                progressed = receiver.wait_until(lambda seen, floor=before: len(seen) >= floor + 4, 45)
                os.kill(server.pid, signal.SIGKILL)
                server.wait()
                assert progressed, log.read_text()[-3000:]
                kills += 1
            producer.join()
            with container.storage.read() as uow:
                stored = uow.events.read(EventQuery(org.id, ["unit.paired", "unit.unpaired"], 10 * EVENTS))
            expected = Counter(json.dumps(render_event_data(event, 1)) for _, event in stored)
            assert sum(expected.values()) == EVENTS

            server = start_serve(env, log)
            try:
                complete = receiver.wait_until(lambda seen: not expected - delivered_events(seen), timeout=60)
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
        finally:
            producer.join()
            container.close()
        requests = receiver.requests()

    assert kills >= 5
    assert complete, f"missing: {sum((expected - delivered_events(requests)).values())} events"
    bodies: dict[str, set[bytes]] = {}
    for request in requests:
        bodies.setdefault(request.batch_id, set()).add(request.body)
        request.verify(secret)
    assert all(len(distinct) == 1 for distinct in bodies.values())
    resent = len(requests) - len(bodies)
    print(f"\ncrash test: {kills} kills, {len(requests)} requests, {len(bodies)} batches, {resent} resends")
