"""Two subscribers whose partitions overlap, then one whose partition leaves units untaken, against the
test's own Mosquitto: the warning lines, `/readyz` and the gauge (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import structlog

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.heartbeats import Heartbeat
from pairhub.entrypoints import mqtt, worker
from pairhub.entrypoints.api.routers.ops import _delivering_processes
from pairhub.entrypoints.mqtt import MqttIngest
from tests.conftest import make_settings
from tests.mqtt_support import TOPIC, Broker, Subscriber, running_broker, until
from tests.support import Api

Logs = list[MutableMapping[str, Any]]


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    """A Mosquitto of this test."""
    with running_broker(tmp_path) as running:
        yield running


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Heartbeats and judgements every 50 ms instead of every 2 s."""
    monkeypatch.setattr(worker, "HEARTBEAT_S", 0.05)
    monkeypatch.setattr(mqtt, "PARTITIONS_EVERY_S", 0.05)


@asynccontextmanager
async def subscribing(
    container: Container, broker: Broker, client_id: str, partition: tuple[int, int]
) -> AsyncIterator[MqttIngest]:
    """A subscribing process: its subscriber and the heartbeat it writes, until the block ends."""
    stopping = asyncio.Event()
    async with Subscriber(container, broker, client_id, partition) as ingest:
        beating = asyncio.create_task(worker.heartbeat_loop(container, stopping, "worker", delivers=False))
        try:
            yield ingest
        finally:
            stopping.set()
            await asyncio.wait_for(beating, timeout=10)  # removes its heartbeat


def _lines(logs: Logs, event: str) -> Logs:
    return [entry for entry in logs if entry["event"] == event]


def _gauge(api: Api, problem: str) -> float:
    for line in api.client.get("/metrics").text.splitlines():
        if line.startswith(f'pairhub_mqtt_partitions_unsound{{problem="{problem}"}}'):
            return float(line.split()[-1])
    raise AssertionError(f"no gauge for {problem}")


async def test_overlapping_then_incomplete_partitions_are_logged_reported_and_gauged(
    api: Api, container: Container, database_url: str, clock: ManualClock, broker: Broker
) -> None:
    other = bootstrap.build(make_settings(database_url), clock)
    try:
        with structlog.testing.capture_logs() as logs:
            async with subscribing(container, broker, "pairhub-part-half", (1, 2)) as half:
                async with subscribing(other, broker, "pairhub-part-all", (1, 1)) as everything:
                    await until(
                        lambda: all(i.partitions and i.partitions.overlaps for i in (half, everything))
                    )
                    ready = api.client.get("/readyz")
                    assert ready.status_code == 200
                    assert ready.json()["status"] == "degraded"
                    assert ready.json()["checks"]["mqtt"] == (
                        f"degraded: partitions overlap on {TOPIC}: 1/1 and 1/2"
                    )
                    assert _gauge(api, "overlap") == 1
                    assert _gauge(api, "incomplete") == 0

                # The 1/1 process stops: the units of 2/2 are now taken by no one.
                await until(lambda: bool(half.partitions and half.partitions.incomplete))
                ready = api.client.get("/readyz")
                assert ready.status_code == 200
                assert ready.json()["checks"]["mqtt"] == (
                    f"degraded: partitions incomplete on {TOPIC}: 2/2 taken by no process"
                )
                assert _gauge(api, "overlap") == 0
                assert _gauge(api, "incomplete") == 1
    finally:
        other.close()

    overlap = _lines(logs, "mqtt_partitions_overlap")
    # One line from each subscriber when the picture formed, none at the judgements that followed.
    assert len(overlap) == 2, overlap
    assert {entry["overlapping"] for entry in overlap} == {"1/1 and 1/2"}
    assert all(entry["partitions"] == ["1/1", "1/2"] and entry["topic"] == TOPIC for entry in overlap)
    assert all(entry["log_level"] == "warning" for entry in overlap)
    # Alone before the 1/1 process wrote its heartbeat, and alone again after it stopped.
    incomplete = _lines(logs, "mqtt_partitions_incomplete")
    events = [entry["event"] for entry in logs]
    last_overlap = max(n for n, event in enumerate(events) if event == "mqtt_partitions_overlap")
    assert "mqtt_partitions_incomplete" in events[last_overlap:]
    assert all(entry["partitions"] == ["1/2"] for entry in incomplete)
    assert incomplete[-1]["missing"] == "2/2 taken by no process"


async def test_partitions_that_take_every_unit_once_leave_readiness_ok(
    api: Api, container: Container, database_url: str, clock: ManualClock, broker: Broker
) -> None:
    other = bootstrap.build(make_settings(database_url), clock)
    try:
        with structlog.testing.capture_logs() as logs:
            async with (
                subscribing(container, broker, "pairhub-part-one", (1, 2)) as one,
                subscribing(other, broker, "pairhub-part-two", (2, 2)) as two,
            ):
                await until(
                    lambda: all(i.partitions and len(i.partitions.partitions) == 2 for i in (one, two))
                )
                ready = api.client.get("/readyz")
                assert ready.status_code == 200
                assert ready.json() == {"status": "ok", "checks": ready.json()["checks"]}
                assert ready.json()["checks"]["mqtt"] == "ok"
                assert _gauge(api, "overlap") == 0 and _gauge(api, "incomplete") == 0
    finally:
        other.close()
    assert _lines(logs, "mqtt_partitions_overlap") == []
    assert [entry["partitions"] for entry in _lines(logs, "mqtt_partitions_sound")][-1] == ["1/2", "2/2"]


def _beat(process_id: str, partition: str | None, connected: bool = True) -> Heartbeat:
    mqtt_state = {"configured": True, "connected": connected, "error": None if connected else "refused"}
    if partition is not None:
        mqtt_state |= {"topicFilter": TOPIC, "partition": partition}
    return Heartbeat(process_id, "worker", 1_000, {"delivery": None, "mqtt": mqtt_state})


def test_readiness_fails_on_a_broker_not_connected_before_it_degrades_on_partitions() -> None:
    overlapping = [_beat("a", "1/1"), _beat("b", "1/1")]
    assert _delivering_processes(overlapping, 1_000) == {
        "mqtt": f"degraded: partitions overlap on {TOPIC}: 1/1 and 1/1"
    }
    down = [_beat("a", "1/1", connected=False), _beat("b", "1/1", connected=False)]
    assert _delivering_processes(down, 1_000) == {"mqtt": "unavailable: refused"}
    # A process of a version that wrote no partition is left out of the judgement.
    assert _delivering_processes([_beat("a", "1/1"), _beat("b", None)], 1_000) == {"mqtt": "ok"}
    # 1/2 beside 2/2 is sound; with the heartbeat of 2/2 stale (its process stopped answering), 2/2 is missed.
    assert _delivering_processes([_beat("a", "1/2"), _beat("b", "2/2")], 1_000) == {"mqtt": "ok"}
    late = [_beat("a", "1/2"), replace(_beat("b", "2/2"), beat_at=-20_000)]
    assert _delivering_processes(late, 1_000) == {
        "mqtt": f"degraded: partitions incomplete on {TOPIC}: 2/2 taken by no process"
    }
