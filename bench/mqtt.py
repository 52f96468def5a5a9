"""MQTT figures: pairhub draining unit messages from a broker, beside a bare subscriber draining the same.

Both drain a backlog the broker queued for their persistent session (published while they were away),
so neither is held back by the publisher: the figure is consumer speed, from the first message taken to
the last. L-mqtt is a bare aiomqtt subscriber on the same shared subscription that only counts.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiomqtt
import orjson

from bench.report import Figure

TOPIC = "pairhub/units/{unit}/messages"
BARE_SHARED = "$share/bench/pairhub/units/+/messages"
"""The bare subscriber's own group: in pairhub's group it would take half of pairhub's messages."""
MOSQUITTO = shutil.which("mosquitto") or (
    "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
)


@contextmanager
def broker(workdir: Path, port: int) -> Iterator[int]:
    """A Mosquitto of the run on loopback, keeping every message of an offline session."""
    config = workdir / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "max_queued_messages 0\nmax_inflight_messages 1000\n"
    )
    assert MOSQUITTO is not None
    process = subprocess.Popen(
        [MOSQUITTO, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        time.sleep(0.5)
        yield port
    finally:
        process.terminate()
        process.wait()


async def _publish(port: int, messages: list[tuple[str, bytes]]) -> None:
    # Quiet: aiomqtt warns about every publish beyond ten in flight, which is the point here.
    quiet = logging.getLogger("bench.mqtt.publisher")
    quiet.setLevel(logging.ERROR)
    async with aiomqtt.Client(
        "127.0.0.1", port, identifier="bench-publisher", max_inflight_messages=1000, logger=quiet
    ) as client:
        for start in range(0, len(messages), 500):
            chunk = messages[start : start + 500]
            await asyncio.gather(*(client.publish(topic, payload, qos=1) for topic, payload in chunk))


async def _bare_drain(port: int, count: int, subscribe_only: bool) -> float:
    async with aiomqtt.Client("127.0.0.1", port, identifier="bench-bare", clean_session=False) as client:
        if subscribe_only:
            await client.subscribe(BARE_SHARED, qos=1)
            return 0.0
        received, first = 0, 0.0
        async for _ in client.messages:
            received += 1
            if received == 1:
                first = time.perf_counter()
            if received >= count:
                break
        elapsed = time.perf_counter() - first
        # Leave the group, so the broker stops keeping messages for this session.
        await client.unsubscribe(BARE_SHARED)
        return (count - 1) / max(elapsed, 1e-9)


def l_mqtt(port: int, messages: list[tuple[str, bytes]]) -> float:
    """Messages/s a bare subscriber drains from its session's backlog."""
    asyncio.run(_bare_drain(port, 0, subscribe_only=True))
    asyncio.run(_publish(port, messages))
    return asyncio.run(_bare_drain(port, len(messages), subscribe_only=False))


def _taken(base_url: str) -> int:
    with urllib.request.urlopen(f"{base_url}/metrics", timeout=5) as response:
        text = response.read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith("pairhub_mqtt_messages_total{"):
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


def _mqtt_ready(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/readyz", timeout=2) as response:
            return bool(orjson.loads(response.read())["checks"].get("mqtt") == "ok")
    except OSError:
        return False


def _wait(condition: Callable[[], bool], within_s: float, what: str) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.02)


def figure_ingest_mqtt(
    port: int, start_server: Callable[[dict[str, str]], Any], unit_ids: list[str], vins: list[str], total: int
) -> list[Figure]:
    """pairhub taking paired units' reports over MQTT, beside L-mqtt on the same messages."""
    repeats = max(1, total // len(unit_ids))
    messages = [
        (
            TOPIC.format(unit=unit),
            orjson.dumps({"vin": vin, "location": {"latitude": 50.869, "longitude": 2.8942}}),
        )
        for _ in range(repeats)
        for unit, vin in zip(unit_ids, vins, strict=True)
    ]
    limit = l_mqtt(port, messages)
    env = {
        "PAIRHUB_MQTT_URL": f"mqtt://127.0.0.1:{port}",
        "PAIRHUB_MQTT_CLIENT_ID": "bench-pairhub",
        "PAIRHUB_SERVE_DELIVERY": "false",
    }
    server = start_server(env)  # joins the shared subscription with a persistent session, then leaves
    _wait(lambda: _mqtt_ready(server.base_url), 30, "the MQTT subscription")
    server.stop()
    asyncio.run(_publish(port, messages))
    server = start_server(env)
    try:
        _wait(lambda: _taken(server.base_url) > 0, 60, "the first MQTT message")
        first = time.perf_counter()
        _wait(lambda: _taken(server.base_url) >= len(messages), 600, "every MQTT message")
        rate = (len(messages) - 1) / (time.perf_counter() - first)
    finally:
        server.stop()
    return [
        Figure("L-mqtt", "L-mqtt: bare aiomqtt subscriber draining the same backlog", limit, "messages/s"),
        Figure(
            "ingest_mqtt",
            "ingest messages/s over MQTT, paired units",
            rate,
            "messages/s",
            "L-mqtt",
            limit,
            target_ratio=0.5,
            note=f"{len(messages):,} messages queued for the session, drained by one serve",
        ),
    ]
