"""A Mosquitto broker of the test's own on a free port (never the machine's service), and MQTT helpers."""

from __future__ import annotations

import asyncio
import getpass
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiomqtt
import orjson
import pytest
from bench.setup import vin_for

from pairhub.bootstrap import Container
from pairhub.domain.partitions import Partition
from pairhub.entrypoints.mqtt import MqttIngest, Subscription
from pairhub.ports.broker import Broker as BrokerAddress
from pairhub.services.ingest import Ingest, IngestResult, UnitMessage

TOPIC = "pairhub/units/+/messages"

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


class Mosquitto:
    """A Mosquitto process of the test, on a port and a directory of its own, that can be restarted."""

    def __init__(self, workdir: Path, port: int | None = None, persistence: bool = False) -> None:
        if MOSQUITTO is None:
            pytest.skip(MISSING)
        self.workdir = workdir
        self.port = port or _free_port()
        self.config = workdir / "mosquitto.conf"
        lines = [
            f"listener {self.port} 127.0.0.1",
            "allow_anonymous true",
            # A persistent session keeps every message it has not acknowledged (the default drops past 1000).
            "max_queued_messages 0",
            "max_inflight_messages 1000",
        ]
        if persistence:
            lines += [
                "persistence true",
                f"persistence_location {workdir}/",
                # Started as root, Mosquitto would switch to its own user, which cannot write here.
                f"user {getpass.getuser()}",
            ]
        else:
            lines.append("persistence false")
        self.config.write_text("\n".join(lines) + "\n")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def broker(self) -> Broker:
        """Its address."""
        return Broker(self.port)

    def start(self) -> None:
        """Start it and wait until it accepts connections."""
        with (self.workdir / "mosquitto.log").open("ab") as log:
            self.process = subprocess.Popen([MOSQUITTO, "-c", str(self.config)], stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError((self.workdir / "mosquitto.log").read_text()) from None
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Stop it with `sig` (SIGTERM: it saves its persistence first; SIGKILL: it does not)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=10)
        self.process = None

    def save(self) -> None:
        """Have it write its persistence file now (SIGUSR1) and wait until it has."""
        assert self.process is not None
        database = self.workdir / "mosquitto.db"
        before = database.stat().st_mtime_ns if database.exists() else 0
        self.process.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while not database.exists() or database.stat().st_mtime_ns == before:
            assert time.monotonic() < deadline, "mosquitto did not save its persistence"
            time.sleep(0.02)


@contextmanager
def running_broker(workdir: Path, port: int | None = None, persistence: bool = False) -> Iterator[Broker]:
    """Start Mosquitto with a config written here: loopback only, unlimited queues for offline sessions."""
    mosquitto = Mosquitto(workdir, port, persistence)
    mosquitto.start()
    try:
        yield mosquitto.broker
    finally:
        mosquitto.stop()


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


async def until(condition: Callable[[], bool], within_s: float = 60) -> None:
    """Return once `condition` holds; fail the test after `within_s`."""
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


class Subscriber:
    """The MQTT subscriber of a container, running until the block ends (a graceful stop)."""

    def __init__(
        self,
        container: Container,
        broker: Broker,
        client_id: str,
        partition: tuple[int, int] = (1, 1),
        share_group: str | None = None,
    ) -> None:
        subscription = Subscription(
            TOPIC, client_id, partition=Partition(*partition), share_group=share_group
        )
        self.ingest = MqttIngest(container, BrokerAddress.parse(broker.url), subscription)
        self.stopping = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> MqttIngest:
        self.task = asyncio.create_task(self.ingest.run(self.stopping))
        await until(lambda: self.ingest.status.connected, 20)
        return self.ingest

    async def __aexit__(self, *_: object) -> None:
        self.stopping.set()
        assert self.task is not None
        await asyncio.wait_for(self.task, timeout=10)


class Applications:
    """Counts, by unit id, the messages the ingest use case took and committed (any `Ingest`, while
    the test runs).

    A message applied a second time may change nothing one can read (a paired unit ignores its VIN), so
    the count is taken where the application happens.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.per_unit: Counter[str] = Counter()
        accept = Ingest.accept

        def counted(ingest: Ingest, messages: Sequence[UnitMessage]) -> IngestResult:
            result = accept(ingest, messages)  # committed once it returns; a raise means nothing applied
            assert not result.rejected, result.rejected
            self.per_unit.update(message.unit_id for message in messages)
            return result

        monkeypatch.setattr(Ingest, "accept", counted)

    @property
    def total(self) -> int:
        """Applications in all."""
        return sum(self.per_unit.values())

    @property
    def twice(self) -> int:
        """Messages applied more than once."""
        return sum(1 for count in self.per_unit.values() if count > 1)


UNPROVISIONED = 10
"""Units not provisioned whose messages are interleaved with VIN messages (`with_counted_messages`)."""


def with_counted_messages(unit_ids: list[str], counted: int) -> list[tuple[str, object]]:
    """Each unit's VIN message (unit n: `vin_for(n)`), and after every len(unit_ids) // counted of them a
    message of one of UNPROVISIONED units not provisioned, each with a timestamp of its own (no two have
    one digest). Applied again, a VIN message changes nothing (the unit is paired by then); each
    application of a counted one adds one to its unit's `messages` in the unknown units
    (`unknown_unit_messages`), so a message applied twice shows there."""
    every = len(unit_ids) // counted
    messages: list[tuple[str, object]] = []
    taken = 0
    for n, unit in enumerate(unit_ids):
        messages.append((unit_topic(unit), {"vin": vin_for(n)}))
        if n % every == 0 and taken < counted:
            timestamp = f"2025-01-01T{taken // 3600:02}:{taken // 60 % 60:02}:{taken % 60:02}Z"
            messages.append(
                (unit_topic(f"tp:unprovisioned{taken % UNPROVISIONED}"), {"timestamp": timestamp})
            )
            taken += 1
    assert taken == counted
    return messages


def each_counted_once(counted: int) -> Counter[str]:
    """The unknown units' message counts when each of `counted` messages was applied once."""
    return Counter({f"tp:unprovisioned{n}": counted // UNPROVISIONED for n in range(UNPROVISIONED)})


def unknown_unit_messages(container: Container) -> Counter[str]:
    """The messages counted for each unit not provisioned."""
    with container.storage.read() as uow:
        return Counter({unit.unit_id: unit.messages for unit in uow.unknown_units.list(None, 100)})
