"""Unknown units: refused `unknown_unit` messages counted per id, bounded, listed for the admin, added."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.entrypoints.api.app import create_app
from pairhub.entrypoints.mqtt import MqttIngest, Subscription
from pairhub.ports.broker import Broker as BrokerAddress
from pairhub.services.unknown_units import UnknownUnitsBuffer
from tests.conftest import ADMIN_TOKEN, INGEST_TOKEN, make_settings
from tests.mqtt_support import publish, running_broker, unit_topic
from tests.support import Api

START = 1_800_000_000_000


def _listed(api: Api, **params: Any) -> dict[str, Any]:
    response = api.client.get("/v1/unknown-units", params=params, headers=api.admin)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _dropped(where: str) -> float:
    return REGISTRY.get_sample_value("pairhub_unknown_units_dropped_total", {"where": where}) or 0.0


def test_refused_messages_are_counted_per_unit_with_first_and_last_seen(
    api: Api, container: Container, clock: ManualClock
) -> None:
    clock.set(START)
    org = api.new_org()
    api.new_unit(org, "tp:1")
    answer = api.send({"unitId": "tp:404"}, {"unitId": "tp:1"}, {"unitId": "tp:404", "vin": "X"})
    assert [r["code"] for r in answer["rejected"]] == ["unknown_unit", "unknown_unit"]
    clock.advance(90)
    api.send({"unitId": "tp:404"}, {"unitId": "cb:77"})
    assert _listed(api)["data"] == []  # nothing written while the requests were answered
    container.ingest.flush()
    clock.advance(30)
    api.send({"unitId": "tp:404"})
    container.ingest.flush()

    assert _listed(api) == {
        "data": [
            {
                "unitId": "tp:404",
                "firstSeen": "2027-01-15T08:00:00.000Z",
                "lastSeen": "2027-01-15T08:02:00.000Z",
                "messages": 4,
            },
            {
                "unitId": "cb:77",
                "firstSeen": "2027-01-15T08:01:30.000Z",
                "lastSeen": "2027-01-15T08:01:30.000Z",
                "messages": 1,
            },
        ],
        "nextCursor": None,
    }
    first = _listed(api, limit=1)
    assert [u["unitId"] for u in first["data"]] == ["tp:404"]
    rest = _listed(api, limit=1, after=first["nextCursor"])
    assert ([u["unitId"] for u in rest["data"]], rest["nextCursor"]) == (["cb:77"], None)


def test_only_the_admin_reads_them_and_a_provisioned_unit_leaves_the_list(
    api: Api, container: Container
) -> None:
    org = api.new_org()
    api.send({"unitId": "tp:405"}, {"unitId": "tp:406"})
    container.ingest.flush()

    as_org = api.client.get("/v1/unknown-units", headers=org.headers)
    as_ingest = api.client.get("/v1/unknown-units", headers={"Authorization": f"Bearer {INGEST_TOKEN}"})
    api.new_unit(org, "tp:405")

    assert (as_org.status_code, as_org.json()["code"]) == (403, "admin_only")
    assert as_ingest.status_code == 403
    assert [u["unitId"] for u in _listed(api)["data"]] == ["tp:406"]
    assert api.send({"unitId": "tp:405"})["rejected"] == []


@pytest.fixture
def bounded(database_url: str, clock: ManualClock) -> Iterator[tuple[Api, Container]]:
    """A server that keeps at most three unknown unit ids."""
    built = bootstrap.build(make_settings(database_url, unknown_units_limit=3), clock)
    with TestClient(create_app(built)) as client:
        yield Api(client, ADMIN_TOKEN), built
    built.close()


def test_a_flood_of_random_ids_keeps_the_most_recently_seen_and_counts_the_rest(
    bounded: tuple[Api, Container], clock: ManualClock
) -> None:
    api, container = bounded
    clock.set(START)
    evicted_before = _dropped("table")
    for number in range(4):
        api.send({"unitId": f"tp:{number}"})
        container.ingest.flush()
        clock.advance(1)
    api.send({"unitId": "tp:0"})  # seen again: now the most recent
    container.ingest.flush()
    api.send(*({"unitId": f"rnd:{n}"} for n in range(10)))  # more ids in one second than the bound
    overflow_before = _dropped("buffer")
    api.send({"unitId": "rnd:late"})
    overflow = _dropped("buffer") - overflow_before
    container.ingest.flush()

    kept = [u["unitId"] for u in _listed(api)["data"]]
    assert len(kept) == 3
    assert overflow == 1  # the buffer held three ids already: the fourth new one was counted, not kept
    assert _dropped("table") - evicted_before == 2 + 3  # tp:1, tp:2, then the 3 older of the 6 present


def test_the_buffer_folds_repeated_ids_and_keeps_what_a_failed_write_took() -> None:
    buffer = UnknownUnitsBuffer(limit=2)
    buffer.note("tp:1", 10)
    buffer.note("tp:1", 20)
    buffer.note("tp:2", 15)
    buffer.note("tp:3", 16)  # past the bound
    taken = buffer.drain()
    buffer.note("tp:1", 30)
    buffer.restore(taken)

    assert sorted(buffer.drain(), key=lambda unit: unit.unit_id) == [
        type(taken[0])("tp:1", 10, 30, 3),
        type(taken[0])("tp:2", 15, 15, 1),
    ]


async def test_refusals_over_mqtt_are_counted_too(api: Api, container: Container, tmp_path: Path) -> None:
    with running_broker(tmp_path) as broker:
        subscription = Subscription("pairhub/units/+/messages", "pairhub-test-unknown")
        ingest = MqttIngest(container, BrokerAddress.parse(broker.url), subscription)
        stopping = asyncio.Event()
        task = asyncio.create_task(ingest.run(stopping))
        deadline = time.monotonic() + 20
        while not ingest.status.connected:
            assert time.monotonic() < deadline, "not connected"
            await asyncio.sleep(0.05)
        await publish(broker, [(unit_topic("mq:1"), {"vin": "WDB9634031L738192"}), (unit_topic("mq:1"), {})])
        while ingest.taken < 2:
            assert time.monotonic() < deadline, "not taken"
            await asyncio.sleep(0.05)
        stopping.set()
        await asyncio.wait_for(task, timeout=10)
    container.ingest.flush()

    [unit] = _listed(api)["data"]
    assert (unit["unitId"], unit["messages"]) == ("mq:1", 2)


def test_the_cursor_is_sealed_to_this_list_a_raw_id_or_another_lists_cursor_is_refused(
    api: Api, container: Container, clock: ManualClock
) -> None:
    clock.set(START)
    api.send({"unitId": "tp:501"})
    clock.advance(1)
    api.send({"unitId": "tp:502"})
    container.ingest.flush()
    first = _listed(api, limit=1)
    cursor = first["nextCursor"]
    assert [u["unitId"] for u in first["data"]] == ["tp:502"]
    assert cursor and "tp:502" not in cursor
    assert [u["unitId"] for u in _listed(api, limit=1, after=cursor)["data"]] == ["tp:501"]

    org = api.new_org()
    api.new_org("Another")
    organizations = api.client.get("/v1/organizations?limit=1", headers=api.admin).json()["nextCursor"]
    assert organizations
    for after in ("tp:502", organizations):
        refused = api.client.get("/v1/unknown-units", params={"after": after}, headers=api.admin)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "invalid_cursor"
    # And this list's cursor is no cursor of another list.
    assets = api.client.get(f"/v1/organizations/{org.id}/assets?after={cursor}", headers=org.headers)
    assert (assets.status_code, assets.json()["code"]) == (422, "invalid_cursor")

    # The console's page follows the sealed cursor, and shows the first page for an edited one.
    sign_in = api.client.get("/ui/sign-in").text
    csrf = sign_in.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    signed_in = api.client.post("/ui/sign-in", data={"token": ADMIN_TOKEN, "csrf_token": csrf})
    assert signed_in.status_code == 200, signed_in.text
    first_page = api.client.get("/ui/unknown-units").text
    assert "tp:502" in first_page and "Next page" not in first_page  # 50 a page: both on it
    second = api.client.get("/ui/unknown-units", params={"after": cursor})
    assert second.status_code == 200
    assert "tp:501" in second.text and "tp:502" not in second.text
    edited = api.client.get("/ui/unknown-units", params={"after": "tp:502"})
    assert edited.status_code == 200
    assert "tp:501" in edited.text and "tp:502" in edited.text
