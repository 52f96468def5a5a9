"""Unit messages over MQTT against a real Mosquitto: outcomes, refusals, and a shared subscription."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aiomqtt
import orjson
import pytest
from typer.testing import CliRunner

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.vin import MatchResult
from pairhub.entrypoints.cli import app as cli
from pairhub.entrypoints.mqtt import MqttIngest, Subscription, refusal_topic
from pairhub.entrypoints.simulate import Simulation, say
from pairhub.entrypoints.simulate import run as run_simulation
from pairhub.ports import AssetRepository
from pairhub.ports.broker import Broker as BrokerAddress
from pairhub.services.auto_pairing.resolve import match
from tests.conftest import make_settings
from tests.mqtt_support import TOPIC, Broker, Subscriber, collect, publish, running_broker, unit_topic, until
from tests.support import Api


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    """A Mosquitto of this test."""
    with running_broker(tmp_path) as running:
        yield running


def _reasons(container: Container, organization_id: str) -> dict[str, list[str]]:
    page = container.feed.read(organization_id, None, 2, 1000)
    found: dict[str, list[str]] = {}
    for item in page.items:
        found.setdefault(item["eventData"]["unitId"], []).append(item["eventData"]["reason"])
    return found


async def test_every_outcome_is_reached_through_mqtt(api: Api, container: Container, broker: Broker) -> None:
    org = api.new_org(autoPairingEnabled=True)
    for vin in (
        "WDB9634031L738192",
        "YS2R4X20005399401",
        "VF1RFB00X62812345",
        "SAJWA44B1A3D51234",
        "WMAH05ZZ6A3D51234",
    ):
        api.new_asset(org, vin)
    reported = {
        "tp:1001": "WDB9634031L738192",  # exact -> AutoPair
        "tp:1002": "05399401",  # truncated (P1) -> AutoPair
        "tp:1003": "VF1RFB00Y62812345",  # one typo (P2) -> AutoPair
        "tp:1004": "XXXXXX",  # -> InvalidData
        "tp:1005": "XLRTE47MS0G654321",  # -> NotFound
        "tp:1006": "A3D51234",  # two assets end with it -> MultipleMatchFound
        "tp:1007": "F3A000001",  # the matcher fails for it -> Unknown
    }
    for unit_id in reported:
        api.new_unit(org, unit_id)

    def failing_for_one_vin(assets: AssetRepository, organization_id: str, vin: str) -> MatchResult:
        if vin == "F3A000001":
            raise TimeoutError("index unavailable")
        return match(assets, organization_id, vin)

    container.auto_pairing.matcher = failing_for_one_vin
    async with Subscriber(container, broker, "pairhub-test-outcomes") as ingest:
        await publish(
            broker,
            [
                (unit_topic(unit_id), {"vin": vin, "location": {"latitude": 50.869, "longitude": 2.8942}})
                for unit_id, vin in reported.items()
            ],
        )
        await until(lambda: ingest.taken >= len(reported))

    reasons = _reasons(container, org.id)
    assert reasons == {
        "tp:1001": ["AutoPair"],
        "tp:1002": ["AutoPair"],
        "tp:1003": ["AutoPair"],
        "tp:1004": ["InvalidData"],
        "tp:1005": ["NotFound"],
        "tp:1006": ["MultipleMatchFound"],
        "tp:1007": ["Unknown"],
    }
    located = container.feed.read(org.id, None, 2, 1)
    assert located.items[0]["eventData"]["location"] == {"latitude": 50.869, "longitude": 2.8942}


async def test_an_array_payload_and_the_topic_unit_id_are_taken(
    api: Api, container: Container, broker: Broker
) -> None:
    org = api.new_org(autoPairingEnabled=True)
    asset = api.new_asset(org, "WDB9634031L738192")
    api.new_unit(org, "tp:2001")
    async with Subscriber(container, broker, "pairhub-test-array") as ingest:
        await publish(
            broker,
            [
                (
                    unit_topic("tp:2001"),
                    [{"location": {"latitude": 1, "longitude": 2}}, {"vin": "WDB9634031L738192"}],
                )
            ],
        )
        await until(lambda: ingest.taken >= 1)
    unit = container.units.get(org.id, "tp:2001")
    assert unit.asset_id == asset["id"]


async def test_refused_messages_are_published_with_their_reason(
    api: Api, container: Container, broker: Broker
) -> None:
    org = api.new_org(autoPairingEnabled=True)
    api.new_unit(org, "tp:3001")
    received: list[aiomqtt.Message] = []
    ready = asyncio.Event()
    watcher = asyncio.create_task(collect(broker, "pairhub/units/+/rejected", ready, received))
    await ready.wait()
    try:
        async with Subscriber(container, broker, "pairhub-test-refusals") as ingest:
            await publish(
                broker,
                [
                    (unit_topic("tp:9999"), {"vin": "WDB9634031L738192"}),  # not provisioned
                    (unit_topic("tp:3001"), b"{not json"),
                    (unit_topic("tp:3001"), {"unitId": "tp:3002", "vin": "X"}),  # another unit's id
                    (unit_topic("tp:3001"), {"location": {"latitude": 91, "longitude": 0}}),
                    (unit_topic("tp:3001"), {"vin": "WDB9634031L738192", "colour": "red"}),
                    (unit_topic("tp:3001"), {"vin": "WDB9634031L738192"}),  # fine
                ],
            )
            # Refusals are published before their batch is acknowledged and counted as taken.
            await until(lambda: len(received) >= 5 and ingest.taken >= 6)
            assert ingest.taken == 6
    finally:
        watcher.cancel()
    refusals = [(str(message.topic), orjson.loads(message.payload)["code"]) for message in received]  # type: ignore[arg-type]
    assert sorted(refusals) == sorted(
        [
            ("pairhub/units/tp:9999/rejected", "unknown_unit"),
            ("pairhub/units/tp:3001/rejected", "malformed_json"),
            ("pairhub/units/tp:3001/rejected", "unit_id_mismatch"),
            ("pairhub/units/tp:3001/rejected", "invalid_location"),
            ("pairhub/units/tp:3001/rejected", "unknown_field"),
        ]
    )


async def test_a_broker_outage_is_shown_backed_off_and_resumed(
    api: Api, container: Container, tmp_path: Path
) -> None:
    org = api.new_org(autoPairingEnabled=True)
    asset = api.new_asset(org, "WDB9634031L738192")
    api.new_unit(org, "tp:5001")
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    first_broker = running_broker(tmp_path / "before")
    broker = first_broker.__enter__()
    async with Subscriber(container, broker, "pairhub-test-outage") as ingest:
        assert api.client.get("/readyz").json()["checks"]["mqtt"] == "ok"
        first_broker.__exit__(None, None, None)  # the broker goes away

        await until(lambda: not ingest.status.connected)
        down = api.client.get("/readyz")
        assert down.status_code == 503
        assert down.json()["checks"]["mqtt"].startswith("unavailable")

        with running_broker(tmp_path / "after", broker.port):
            await until(lambda: ingest.status.connected, within_s=40)
            assert api.client.get("/readyz").status_code == 200
            await publish(broker, [(unit_topic("tp:5001"), {"vin": "WDB9634031L738192"})])
            await until(lambda: ingest.taken >= 1)
    assert container.units.get(org.id, "tp:5001").asset_id == asset["id"]


@pytest.mark.postgres
async def test_two_processes_split_the_units_by_partition_without_duplicates(
    postgres_url_fresh: str, broker: Broker, tmp_path: Path
) -> None:
    clock = ManualClock()
    first = bootstrap.build(make_settings(postgres_url_fresh), clock)
    second = bootstrap.build(make_settings(postgres_url_fresh), clock)
    first.migrate()
    try:
        org = first.organizations.create("Shared Fleet", True, True)
        units = [f"tp:{4000 + n}" for n in range(200)]
        vins = {unit: f"WDB96340{n:09d}" for n, unit in enumerate(units)}
        for unit in units:
            first.assets.create(org.id, vins[unit], None)
            first.units.provision(org.id, unit)
        async with (
            Subscriber(first, broker, "pairhub-test-shared-a", (1, 2)) as one,
            Subscriber(second, broker, "pairhub-test-shared-b", (2, 2)) as two,
        ):
            messages: list[tuple[str, object]] = []
            for unit in units:
                messages += [(unit_topic(unit), {"vin": vins[unit]}), (unit_topic(unit), {"vin": vins[unit]})]
            await publish(broker, messages)
            # Each subscription gets every message and takes those of its own units.
            await until(lambda: min(one.taken, two.taken) >= len(messages), within_s=60)
        assert one.own > 0 and two.own > 0, (one.own, two.own)
        assert one.own + two.own == len(messages)
        reasons = _reasons(first, org.id)
        assert Counter(len(found) for found in reasons.values()) == {1: len(units)}
        assert all(found == ["AutoPair"] for found in reasons.values())
    finally:
        first.close()
        second.close()


async def test_the_simulator_drives_units_that_pair_through_pairhub(
    api: Api, container: Container, broker: Broker
) -> None:
    plan = Simulation(units=5, rate=500.0, duration_s=None, unit_prefix="tp:88")
    org = api.new_org(autoPairingEnabled=True)
    for number in range(1, 6):
        api.new_asset(org, plan.vin(number))
        api.new_unit(org, plan.unit_id(number))
    async with Subscriber(container, broker, "pairhub-test-simulate") as ingest:
        simulation = asyncio.create_task(run_simulation(plan, BrokerAddress.parse(broker.url)))
        await until(lambda: ingest.taken >= 10)
        simulation.cancel()
    reasons = _reasons(container, org.id)
    assert reasons == {plan.unit_id(number): ["AutoPair"] for number in range(1, 6)}


def test_refusals_go_to_a_topic_derived_from_the_configured_one() -> None:
    assert refusal_topic("pairhub/units/+/messages", "tp:1") == "pairhub/units/tp:1/rejected"
    assert refusal_topic("fleet/+/up", "tp:1") == "fleet/tp:1/rejected"
    assert refusal_topic("fleet/+", "tp:1") == "fleet/tp:1/rejected"
    assert refusal_topic("fleet/+/rejected", "tp:1") == "fleet/tp:1/rejected/rejected"


async def test_simulate_on_a_custom_topic_reaches_pairhub_and_hears_its_refusals(
    api: Api, container: Container, broker: Broker
) -> None:
    topic = "fleet/+/up"
    plan = Simulation(units=3, rate=30.0, duration_s=1.0, unit_prefix="tp:77", topic=topic)
    org = api.new_org(autoPairingEnabled=True)
    for number in (1, 2):  # the third unit is not provisioned: refused, and heard as refused
        api.new_asset(org, plan.vin(number))
        api.new_unit(org, plan.unit_id(number))
    subscription = Subscription(topic, "pairhub-test-custom-topic")
    ingest = MqttIngest(container, BrokerAddress.parse(broker.url), subscription)
    stopping = asyncio.Event()
    task = asyncio.create_task(ingest.run(stopping))
    await until(lambda: ingest.status.connected)
    try:
        outcome = await run_simulation(plan, BrokerAddress.parse(broker.url))
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=10)
    assert outcome.sent > 0 and outcome.unmatched == 0
    assert outcome.refused["unknown_unit"] > 0
    assert set(outcome.refused) == {"unknown_unit"}
    assert _reasons(container, org.id) == {plan.unit_id(n): ["AutoPair"] for n in (1, 2)}
    said = "\n".join(say(plan, outcome))
    assert "Every message had a subscriber" in said and "fleet/+/rejected" in said


async def test_simulate_says_when_nothing_subscribes(broker: Broker) -> None:
    plan = Simulation(units=2, rate=50.0, duration_s=0.3, topic="nobody/+/listens")
    outcome = await run_simulation(plan, BrokerAddress.parse(broker.url))
    assert outcome.sent > 0 and outcome.unmatched == outcome.sent
    assert "Nothing subscribes to nobody/+/listens" in "\n".join(say(plan, outcome))


async def test_simulate_without_topic_publishes_on_the_configured_one(
    broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAIRHUB_MQTT_TOPIC", "fleet/+/configured")
    heard: dict[str, list[aiomqtt.Message]] = {"configured": [], "given": [], "default": []}
    filters = {"configured": "fleet/+/configured", "given": "fleet/+/given", "default": TOPIC}
    watchers = []
    for name, topic_filter in filters.items():
        ready = asyncio.Event()
        watchers.append(asyncio.create_task(collect(broker, topic_filter, ready, heard[name])))
        await asyncio.wait_for(ready.wait(), timeout=10)

    def simulate(*extra: str) -> str:
        line = ["simulate", "--mqtt", broker.url, "--units", "2", "--rate", "40", "--duration", "0.3"]
        result = CliRunner().invoke(cli, [*line, "--unit-prefix", "tp:66", *extra])
        assert result.exit_code == 0, result.output
        return result.output

    try:
        said = await asyncio.to_thread(simulate)
        await until(lambda: len(heard["configured"]) > 0)
        # `--topic` wins over the setting.
        said_given = await asyncio.to_thread(simulate, "--topic", "fleet/+/given")
        await until(lambda: len(heard["given"]) > 0)
    finally:
        for watcher in watchers:
            watcher.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)

    assert "on fleet/+/configured" in said and "Every message had a subscriber" in said
    units = [Simulation(units=2, rate=40.0, duration_s=0.3, unit_prefix="tp:66").unit_id(n) for n in (1, 2)]
    assert {str(message.topic) for message in heard["configured"]} <= {f"fleet/{u}/configured" for u in units}
    assert "on fleet/+/given" in said_given
    assert {str(message.topic) for message in heard["given"]} <= {f"fleet/{u}/given" for u in units}
    assert heard["default"] == []  # nothing went to the default topic
