"""A Mosquitto broker of the test's own on a free port (never the machine's service), and MQTT helpers."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiomqtt
import orjson
import pytest

MOSQUITTO = shutil.which("mosquitto") or (
    "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
)
MISSING = "MQTT tests skipped: no `mosquitto` binary (apt-get install mosquitto)"


@dataclass(frozen=True)
class Broker:
    """A running broker."""

    port: int

    @property
    def url(self) -> str:
        """The PAIRHUB_MQTT_URL of this broker."""
        return f"mqtt://127.0.0.1:{self.port}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_broker(workdir: Path, port: int | None = None) -> Iterator[Broker]:
    """Start Mosquitto with a config written here: loopback only, unlimited queues for offline sessions."""
    if MOSQUITTO is None:
        pytest.skip(MISSING)
    port = port or _free_port()
    config = workdir / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\n"
        "allow_anonymous true\n"
        "persistence false\n"
        # A persistent session keeps every message it has not acknowledged (the default drops past 1000).
        "max_queued_messages 0\n"
        "max_inflight_messages 100\n"
    )
    log = (workdir / "mosquitto.log").open("wb")
    process = subprocess.Popen([MOSQUITTO, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError((workdir / "mosquitto.log").read_text()) from None
                time.sleep(0.05)
        yield Broker(port)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


async def publish(broker: Broker, messages: list[tuple[str, object]]) -> None:
    """Publish (topic, JSON document or raw bytes) pairs with QoS 1, in order."""
    async with aiomqtt.Client(
        "127.0.0.1", broker.port, identifier=f"test-publisher-{time.time_ns()}"
    ) as client:
        for topic, document in messages:
            payload = document if isinstance(document, bytes) else orjson.dumps(document)
            await client.publish(topic, payload, qos=1)


def unit_topic(unit_id: str) -> str:
    """The default topic a unit publishes on."""
    return f"pairhub/units/{unit_id}/messages"


async def collect(
    broker: Broker, topic_filter: str, ready: asyncio.Event, into: list[aiomqtt.Message]
) -> None:
    """Subscribe to `topic_filter` and gather what arrives until cancelled."""
    async with aiomqtt.Client(
        "127.0.0.1", broker.port, identifier=f"test-watcher-{time.time_ns()}"
    ) as client:
        await client.subscribe(topic_filter, qos=1)
        ready.set()
        async for message in client.messages:
            into.append(message)
