"""A unit that reports a VIN longer than the published schemas allow is refused at ingest, over HTTP
and over MQTT alike, with `vin_too_long`; whatever is taken renders valid against `docs/schemas`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import aiomqtt
import orjson
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from pairhub.bootstrap import Container
from pairhub.domain.vin import MAX_REPORTED_VIN_LENGTH
from tests.mqtt_support import Broker, Subscriber, collect, publish, running_broker, unit_topic, until
from tests.support import Api

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"
LONGEST = "1HGCM82633A" + "X" * (MAX_REPORTED_VIN_LENGTH - 11)


def _feed_valid(api: Api, org: object, version: int) -> list[dict[str, object]]:
    schema = json.loads((SCHEMAS / f"v{version}-unit.paired.json").read_text())
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    items = api.feed(org, version)  # type: ignore[arg-type]
    for item in items:
        assert list(validator.iter_errors(item["eventData"])) == []
    return items


def test_a_hundred_character_vin_is_refused_over_http_and_the_longest_taken_is_valid(api: Api) -> None:
    org = api.new_org(autoPairingEnabled=True)
    api.new_unit(org, "tp:1001")
    api.new_unit(org, "tp:1002")

    messages = [
        {"unitId": "tp:1001", "vin": "A1" * 50},
        {"unitId": "tp:1002", "vin": LONGEST},
        {"unitId": "tp:1001", "vin": "\ud800" + "B" * 10},  # sent as the escape `\\ud800`
    ]
    response = api.client.post(
        "/v1/unit-messages",
        content=json.dumps({"messages": messages}),
        headers={**api.admin, "Content-Type": "application/json"},
    )
    assert response.status_code == 202, response.text
    answer = response.json()

    assert answer["accepted"] == 1
    assert [(r["index"], r["code"]) for r in answer["rejected"]] == [(0, "vin_too_long"), (2, "invalid_vin")]
    assert str(MAX_REPORTED_VIN_LENGTH) in answer["rejected"][0]["detail"]
    for version in (1, 2):
        [item] = _feed_valid(api, org, version)
        assert item["eventData"]["reason"] == "InvalidData"
        assert item["eventData"]["sensorVIN"] == LONGEST


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    """A Mosquitto of this test."""
    with running_broker(tmp_path) as running:
        yield running


async def test_a_hundred_character_vin_is_refused_over_mqtt_with_its_code(
    api: Api, container: Container, broker: Broker
) -> None:
    org = api.new_org(autoPairingEnabled=True)
    api.new_unit(org, "tp:2001")
    received: list[aiomqtt.Message] = []
    ready = asyncio.Event()
    watcher = asyncio.create_task(collect(broker, "pairhub/units/+/rejected", ready, received))
    await ready.wait()
    try:
        async with Subscriber(container, broker, "pairhub-test-long-vin") as ingest:
            await publish(broker, [(unit_topic("tp:2001"), {"vin": "A1" * 50}), (unit_topic("tp:2001"), {})])
            await until(lambda: len(received) >= 1 and ingest.taken >= 2)
    finally:
        watcher.cancel()
    [refusal] = [orjson.loads(message.payload) for message in received]  # type: ignore[arg-type]
    assert refusal["code"] == "vin_too_long"
    assert _feed_valid(api, org, 1) == []
