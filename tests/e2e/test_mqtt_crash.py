"""kill -9 of `serve`, twice, while 5,000 QoS 1 unit messages flow over MQTT: after the restarts every
message's effect is present exactly once (no lost pairing, no duplicated event)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from bench.setup import insert_assets, insert_units, vin_for

from pairhub import bootstrap
from pairhub.ports import EventQuery
from tests.conftest import SECRET_KEY, make_settings
from tests.e2e.processes import free_port, start_serve
from tests.mqtt_support import publish, running_broker, unit_topic

pytestmark = pytest.mark.slow

UNITS = 5000


def _ready(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/readyz", timeout=1) as response:
            return bool(json.load(response)["checks"].get("mqtt") == "ok")
    except OSError:
        return False


def _wait(condition: object, within_s: float, what: str) -> None:
    deadline = time.monotonic() + within_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_a_killed_serve_loses_and_duplicates_nothing_it_took_over_mqtt(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'pairhub.db'}"
    container = bootstrap.build(make_settings(database_url))
    container.migrate()
    org = container.organizations.create("MQTT Fleet", True, True)
    engine = container.database.engine
    insert_assets(engine, org.id, UNITS)
    unit_ids = [f"tp:{700000 + n}" for n in range(UNITS)]
    insert_units(engine, org.id, unit_ids)

    def auto_pairs() -> Counter[str]:
        with container.storage.read() as uow:
            stored = uow.events.read(EventQuery(org.id, ["unit.paired"], 10 * UNITS))
        return Counter(entry.event.unit_id for entry in stored)

    with running_broker(tmp_path, persistence=True) as broker:
        env = {
            "PAIRHUB_DATABASE_URL": database_url,
            "PAIRHUB_SECRET_KEY": SECRET_KEY,
            "PAIRHUB_ADMIN_TOKEN": "crash-admin",
            "PAIRHUB_MQTT_URL": broker.url,
            "PAIRHUB_MQTT_CLIENT_ID": "pairhub-crash-test",
        }
        port = free_port()
        log = tmp_path / "serve.log"
        server, base_url = start_serve(tmp_path, env, port, log=log)
        try:
            _wait(lambda: _ready(base_url), 30, "the MQTT subscription")
            messages = [(unit_topic(unit), {"vin": vin_for(n)}) for n, unit in enumerate(unit_ids)]
            publisher = threading.Thread(target=lambda: asyncio.run(publish(broker, messages)))
            publisher.start()
            for kill in (1, 2):
                _wait(lambda k=kill: sum(auto_pairs().values()) >= 1000 * k, 120, "pairings before the kill")
                os.kill(server.pid, signal.SIGKILL)
                server.wait()
                taken_before_the_kill = sum(auto_pairs().values())
                assert taken_before_the_kill < UNITS, "the kill came too late to prove anything"
                assert "Traceback" not in log.read_text()
                server, base_url = start_serve(tmp_path, env, port, log=log)
            publisher.join()
            _wait(lambda: sum(auto_pairs().values()) >= UNITS, 180, "every pairing after the restarts")
            time.sleep(1)  # anything redelivered late would show up as a second event now
            with urllib.request.urlopen(f"{base_url}/metrics", timeout=5) as response:
                metrics = response.read().decode()
            recognized = [line for line in metrics.splitlines() if 'outcome="duplicate"' in line]
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        pairs = auto_pairs()
        twice = sum(1 for count in pairs.values() if count > 1)
        print(f"\n(c) published {UNITS}, applied {len(pairs)}, twice {twice}; recognized {recognized}")
        assert set(pairs) == set(unit_ids)
        assert set(pairs.values()) == {1}, "a redelivered message produced a second event"
    container.close()
