"""SIGTERM of `serve` while QoS 1 unit messages stream over MQTT: the acknowledgements of what was
committed go out before it exits, so after a restart the broker sends again only what was not committed
(no message recognized as taken twice) and every message's effect is present exactly once: each unit's
pairing, and the count of every message of units not provisioned (`with_counted_messages`), where a
message applied twice would show."""

from __future__ import annotations

import asyncio
import json
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
    Broker,
    each_counted_once,
    publish,
    running_broker,
    unknown_unit_messages,
    with_counted_messages,
)

pytestmark = pytest.mark.slow

UNITS = 3000
COUNTED = 600
PACE = 100
"""Messages published at a time, every 50 ms: the stream lasts a few seconds, so SIGTERM falls inside it."""
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
        time.sleep(0.05)


async def _paced(broker: Broker, messages: list[tuple[str, object]]) -> None:
    for start in range(0, len(messages), PACE):
        await publish(broker, messages[start : start + PACE])
        await asyncio.sleep(0.05)


def _duplicates(base_url: str) -> float:
    """Messages the broker sent again that this process had taken already (0 when none was)."""
    with urllib.request.urlopen(f"{base_url}/metrics", timeout=5) as response:
        found = DUPLICATES.search(response.read().decode())
    return 0.0 if found is None else float(found.group(1))


def test_sigterm_sends_the_acknowledgements_of_what_was_committed(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'pairhub.db'}"
    container = bootstrap.build(make_settings(database_url))
    container.migrate()
    org = container.organizations.create("MQTT Fleet", True, True)
    insert_assets(container.database.engine, org.id, UNITS)
    unit_ids = [f"tp:{800000 + n}" for n in range(UNITS)]
    insert_units(container.database.engine, org.id, unit_ids)

    def auto_pairs() -> Counter[str]:
        with container.storage.read() as uow:
            stored = uow.events.read(EventQuery(org.id, ["unit.paired"], 10 * UNITS))
        return Counter(entry.event.unit_id for entry in stored)

    with running_broker(tmp_path, persistence=True) as broker:
        env = {
            "PAIRHUB_DATABASE_URL": database_url,
            "PAIRHUB_SECRET_KEY": SECRET_KEY,
            "PAIRHUB_ADMIN_TOKEN": "drain-admin",
            "PAIRHUB_MQTT_URL": broker.url,
            "PAIRHUB_MQTT_CLIENT_ID": "pairhub-drain-test",
        }
        port = free_port()
        log = tmp_path / "serve.log"
        server, base_url = start_serve(tmp_path, env, port, log=log)
        try:
            _wait(lambda: _ready(base_url), 30, "the MQTT subscription")
            messages = with_counted_messages(unit_ids, COUNTED)
            publisher = threading.Thread(target=lambda: asyncio.run(_paced(broker, messages)))
            publisher.start()
            _wait(lambda: sum(auto_pairs().values()) >= UNITS // 4, 120, "pairings before SIGTERM")
            server.send_signal(signal.SIGTERM)
            # uvicorn raises the signal again once its graceful shutdown (the loops' drain) is done.
            assert server.wait(timeout=30) in (0, -signal.SIGTERM)
            taken_before_the_stop = sum(auto_pairs().values())
            assert taken_before_the_stop < UNITS, "SIGTERM came too late to prove anything"
            assert "Traceback" not in log.read_text()

            server, base_url = start_serve(tmp_path, env, port, log=log)
            publisher.join()
            _wait(lambda: sum(auto_pairs().values()) >= UNITS, 180, "every pairing after the restart")
            _wait(
                lambda: unknown_unit_messages(container).total() >= COUNTED,
                60,
                "every message of the units not provisioned",
            )
            duplicates = _duplicates(base_url)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        pairs, applied = auto_pairs(), unknown_unit_messages(container)
        print(
            f"\nSIGTERM after {taken_before_the_stop} of {UNITS}; counted messages applied "
            f"{applied.total()} of {COUNTED}; sent again though taken: {duplicates}"
        )
        assert duplicates == 0, "the broker sent again messages committed before SIGTERM: acks were lost"
        assert set(pairs) == set(unit_ids)
        assert set(pairs.values()) == {1}, "a message sent again produced a second event"
        # The graceful stop took whatever was still in flight: the count is final.
        assert applied == each_counted_once(COUNTED), "a message lost or applied twice"
    container.close()
