"""No acknowledged message lost across restarts of a real Mosquitto with its persistence on.

Each unit publishes one message with its asset's VIN, so "applied" is "the unit was paired" and
"applied twice" is "a second event for the unit". The counts are printed (run with `-s` to read them).
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import aiomqtt
import orjson
import pytest
from bench.setup import insert_assets, insert_units, vin_for

from pairhub import bootstrap
from pairhub.adapters.mqtt.broker import Broker as BrokerAddress
from pairhub.bootstrap import Container
from pairhub.entrypoints.mqtt import MqttIngest, Subscription
from pairhub.ports import EventQuery
from tests.conftest import make_settings
from tests.mqtt_support import Broker, Mosquitto, publish, unit_topic

TOPIC = "pairhub/units/+/messages"
MESSAGES = 1000


@pytest.fixture
def fleet(sqlite_url: str) -> Iterator[tuple[Container, str, list[str]]]:
    """A container with an organization of MESSAGES units, each with an asset of its own VIN."""
    container = bootstrap.build(make_settings(sqlite_url))
    organization = container.organizations.create("Restart Fleet", True, True)
    insert_assets(container.database.engine, organization.id, MESSAGES)
    unit_ids = [f"tp:{600000 + n}" for n in range(MESSAGES)]
    insert_units(container.database.engine, organization.id, unit_ids)
    yield container, organization.id, unit_ids
    container.close()


def _events_per_unit(container: Container, organization_id: str) -> Counter[str]:
    with container.storage.read() as uow:
        stored = uow.events.read(EventQuery(organization_id, ["unit.paired"], 10 * MESSAGES))
    return Counter(entry.event.unit_id for entry in stored)


def _messages(unit_ids: list[str]) -> list[tuple[str, object]]:
    return [(unit_topic(unit), {"vin": vin_for(n)}) for n, unit in enumerate(unit_ids)]


async def _until(condition: Callable[[], bool], within_s: float = 60) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


class Pairhub:
    """The MQTT subscriber of a container, running until the block ends (a graceful stop)."""

    def __init__(self, container: Container, broker: Broker, client_id: str = "pairhub-restarts") -> None:
        subscription = Subscription(TOPIC, client_id)
        self.ingest = MqttIngest(container, BrokerAddress.parse(broker.url), subscription)
        self.stopping = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> MqttIngest:
        self.task = asyncio.create_task(self.ingest.run(self.stopping))
        await _until(lambda: self.ingest.status.connected)
        return self.ingest

    async def __aexit__(self, *_: object) -> None:
        self.stopping.set()
        assert self.task is not None
        await asyncio.wait_for(self.task, timeout=10)


async def _publish_through_restarts(
    broker: Broker, messages: list[tuple[str, object]], acked: list[int]
) -> None:
    """Publish each message with QoS 1 until the broker acknowledges it, reconnecting while it is away;
    the index of every acknowledged message goes into `acked`."""
    index = 0
    while index < len(messages):
        try:
            async with aiomqtt.Client(
                "127.0.0.1", broker.port, identifier="test-restart-publisher"
            ) as client:
                while index < len(messages):
                    topic, document = messages[index]
                    await client.publish(topic, orjson.dumps(document), qos=1, timeout=2)
                    acked.append(index)
                    index += 1
                    await asyncio.sleep(0.001)  # a steady stream, so that the restart falls in its middle
        except aiomqtt.MqttError:
            await asyncio.sleep(0.05)


async def test_messages_published_while_pairhub_is_down_and_the_broker_restarted_are_all_applied(
    fleet: tuple[Container, str, list[str]], tmp_path: Path
) -> None:
    container, organization_id, unit_ids = fleet
    mosquitto = Mosquitto(tmp_path, persistence=True)
    mosquitto.start()
    try:
        async with Pairhub(container, mosquitto.broker):
            pass  # pairhub subscribed once, then went away
        mosquitto.stop(signal.SIGTERM)
        mosquitto.start()
        await publish(mosquitto.broker, _messages(unit_ids))  # every one acknowledged by the broker
        async with Pairhub(container, mosquitto.broker) as ingest:
            await _until(lambda: sum(_events_per_unit(container, organization_id).values()) >= MESSAGES)
            await _until(lambda: ingest.taken >= MESSAGES)
    finally:
        mosquitto.stop()
    applied = _events_per_unit(container, organization_id)
    print(f"\n(a) published and acknowledged {MESSAGES}, applied {len(applied)}, twice {_twice(applied)}")
    assert set(applied) == set(unit_ids)
    assert _twice(applied) == 0


def _twice(applied: Counter[str]) -> int:
    return sum(1 for count in applied.values() if count > 1)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
async def test_a_broker_restarted_mid_stream_loses_nothing_it_acknowledged_and_kept(
    fleet: tuple[Container, str, list[str]], tmp_path: Path, stop: signal.Signals
) -> None:
    container, organization_id, unit_ids = fleet
    mosquitto = Mosquitto(tmp_path, persistence=True)
    mosquitto.start()
    messages = _messages(unit_ids)
    acked: list[int] = []
    try:
        async with Pairhub(container, mosquitto.broker) as ingest:
            publisher = asyncio.create_task(_publish_through_restarts(mosquitto.broker, messages, acked))
            await _until(lambda: len(acked) >= MESSAGES // 3)
            # Mosquitto writes its persistence on SIGTERM; killed, it has what it saved last (SIGUSR1
            # here). What it acknowledged between that save and the kill it did not keep.
            saved = len(acked)
            if stop is signal.SIGKILL:
                mosquitto.save()
            killed = len(acked)
            mosquitto.stop(stop)
            mosquitto.start()
            await asyncio.wait_for(publisher, timeout=120)
            kept = set(acked) if stop is signal.SIGTERM else set(acked[:saved] + acked[killed:])
            wanted = {unit_ids[index] for index in kept}
            await _until(lambda: wanted <= set(_events_per_unit(container, organization_id)))
    finally:
        mosquitto.stop()
    applied = _events_per_unit(container, organization_id)
    print(
        f"\n(b, {stop.name}) acknowledged {len(set(acked))}, kept and wanted {len(wanted)}, "
        f"applied {len(applied)}, twice {_twice(applied)}, resent and recognized {ingest.duplicates}"
    )
    assert wanted <= set(applied)
    assert _twice(applied) == 0
