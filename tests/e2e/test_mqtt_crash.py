"""kill -9 of `serve`, twice, while 6,000 QoS 1 unit messages flow over MQTT: after the restarts every
message's effect is present exactly once.

A unit's VIN message pairs it; applied again it would change nothing (the unit is paired by then), so it
shows a lost message, not a double one. Among them flow messages of units not provisioned: each
application of one is counted in the unknown units' record (`messages`), so a message applied twice
shows as one too many there. The counts are printed (run with `-s`); docs/mqtt.md records one run.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from bench.setup import insert_assets, insert_units

from pairhub import bootstrap
from pairhub.ports import EventQuery
from tests.conftest import SECRET_KEY, make_settings
from tests.e2e.processes import free_port, start_serve
from tests.mqtt_support import (
    each_counted_once,
    publish,
    running_broker,
    unknown_unit_messages,
    with_counted_messages,
)

pytestmark = pytest.mark.slow

UNITS = 5000
COUNTED = 1000
"""Messages of units not provisioned, one after every UNITS // COUNTED VIN messages."""
DUPLICATES = re.compile(r'^pairhub_mqtt_messages_total\{outcome="duplicate"\} (\S+)$', re.MULTILINE)


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


def _duplicates(base_url: str) -> int:
    """Messages this process recognized as sent again though taken already."""
    with urllib.request.urlopen(f"{base_url}/metrics", timeout=5) as response:
        found = DUPLICATES.search(response.read().decode())
    return 0 if found is None else int(float(found.group(1)))


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
            messages = with_counted_messages(unit_ids, COUNTED)
            publisher = threading.Thread(target=lambda: asyncio.run(publish(broker, messages)))
            publisher.start()
            recognized = 0
            for kill in (1, 2):
                _wait(lambda k=kill: sum(auto_pairs().values()) >= 1000 * k, 120, "pairings before the kill")
                # The broker sends again what was in flight when the last life ended as that life
                # starts: by now, this life's count of those it recognized is complete.
                recognized += _duplicates(base_url)
                os.kill(server.pid, signal.SIGKILL)
                server.wait()
                taken_before_the_kill = sum(auto_pairs().values())
                assert taken_before_the_kill < UNITS, "the kill came too late to prove anything"
                assert "Traceback" not in log.read_text()
                server, base_url = start_serve(tmp_path, env, port, log=log)
            publisher.join()
            _wait(lambda: sum(auto_pairs().values()) >= UNITS, 180, "every pairing after the restarts")
            _wait(
                lambda: unknown_unit_messages(container).total() >= COUNTED,
                60,
                "every message of the units not provisioned",
            )
            recognized += _duplicates(base_url)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        pairs, applied = auto_pairs(), unknown_unit_messages(container)
        print(
            f"\n(c) acknowledged {UNITS + COUNTED}; VIN messages applied {len(pairs)} of {UNITS}; "
            f"counted messages applied {applied.total()} of {COUNTED}; resent and recognized {recognized}"
        )
        assert Counter(pairs) == Counter(unit_ids), "a VIN message lost (or a second event)"
        # The graceful stop took whatever was still in flight: the count is final.
        assert applied == each_counted_once(COUNTED), "a message lost or applied twice"
    container.close()
