"""`GET .../overview`: units by state and a subscription's last 24 hours, after real deliveries."""

from __future__ import annotations

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.overview import HOUR_MS
from tests.conftest import INGEST_TOKEN
from tests.delivery_support import Receiver, Reply, drain, pair_units, subscribe
from tests.support import Api

PATH = "/hook"
TEN_PAST = 485_000 * HOUR_MS + 600_000  # 2025-04-30T08:10:00Z


def _overview(api: Api, org_id: str, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    response = api.client.get(f"/v1/organizations/{org_id}/overview", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_overview_counts_units_and_charts_each_hour_of_delivery(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    clock.set(TEN_PAST)
    org = api.new_org(autoPairingEnabled=True)
    sub = subscribe(api, org, receiver.url(PATH), description="Fleet ERP")
    pair_units(container, org.id, 2, prefix="early")
    assert await drain(container.delivery_worker) == 1  # 2 events in one batch, delivered at 08:10

    clock.advance(2 * 3600)  # 10:10: the receiver fails once, then takes the retry 10 s later
    receiver.script(PATH, Reply(status=503), Reply(status=200))
    pair_units(container, org.id, 1, prefix="late")
    assert await drain(container.delivery_worker) == 1
    clock.advance(10)
    assert await drain(container.delivery_worker) == 1

    api.new_unit(org, "tp:waiting")
    api.send({"unitId": "tp:waiting", "vin": "WDB9634031L738192"})  # no such asset: NotFound
    api.new_unit(org, "tp:garbage")
    api.send({"unitId": "tp:garbage", "vin": "0000000000"})  # InvalidData
    clock.advance(60)
    body = _overview(api, org.id, org.headers)

    assert body["generatedAt"] == "2025-04-30T10:11:10.000Z"
    assert body["units"]["total"] == 5
    assert body["units"]["paired"] == 3
    assert body["units"]["notPaired"] == 2
    assert body["units"]["byState"]["paired"] == 3
    assert body["waiting"] == {
        "total": 2,
        "notFound": 1,
        "multipleMatchFound": 0,
        "invalidData": 1,
        "unknown": 0,
    }
    assert body["mqtt"] is None
    [health] = body["subscriptions"]
    assert health["id"] == sub["id"]
    assert health["description"] == "Fleet ERP"
    # The failure events were emitted after delivery: they wait, the oldest being the NotFound one.
    assert health["backlog"] == 2
    assert health["oldestWaitingEventAt"] == "2025-04-30T10:10:10.000Z"
    day = health["lastDay"]
    assert (day["start"], len(day["hours"])) == ("2025-04-29T11:00:00.000Z", 24)
    by_hour = {hour["start"]: hour for hour in day["hours"] if hour["attempts"]}
    assert by_hour == {
        "2025-04-30T08:00:00.000Z": {
            "start": "2025-04-30T08:00:00.000Z",
            "eventsDelivered": 2,
            "attemptsSucceeded": 1,
            "attemptsRetried": 0,
            "attemptsRefused": 0,
            "attempts": 1,
        },
        "2025-04-30T10:00:00.000Z": {
            "start": "2025-04-30T10:00:00.000Z",
            "eventsDelivered": 1,
            "attemptsSucceeded": 1,
            "attemptsRetried": 1,
            "attemptsRefused": 0,
            "attempts": 2,
        },
    }
    latency = day["latencyMs"]
    assert latency["attempts"] == 3
    assert 0 <= latency["p50"] <= latency["p95"]


def test_overview_of_another_organization_or_with_the_ingest_token_is_a_problem(api: Api) -> None:
    org, other = api.new_org(), api.new_org("Other")

    foreign = api.client.get(f"/v1/organizations/{other.id}/overview", headers=org.headers)
    ingest = api.client.get(
        f"/v1/organizations/{org.id}/overview", headers={"Authorization": f"Bearer {INGEST_TOKEN}"}
    )

    assert foreign.status_code == 404
    assert foreign.headers["content-type"] == "application/problem+json"
    assert ingest.status_code == 403
    assert ingest.json()["code"] == "forbidden"


def test_an_empty_organization_has_zero_counts_and_no_subscriptions(api: Api) -> None:
    org = api.new_org(datahubSubscriptionActive=False)

    body = _overview(api, org.id, org.headers)

    assert body["units"]["total"] == 0
    assert set(body["units"]["byState"].values()) == {0}
    assert body["datahubSubscriptionActive"] is False
    assert body["subscriptions"] == []
    assert body["moreSubscriptions"] is False


def test_the_overview_reports_the_mqtt_broker_when_one_is_configured(api: Api, container: Container) -> None:
    org = api.new_org()
    container.mqtt_status.configured = True
    container.mqtt_status.down("connection refused by 127.0.0.1:1883")

    down = _overview(api, org.id, org.headers)["mqtt"]
    container.mqtt_status.up()
    up = _overview(api, org.id, org.headers)["mqtt"]

    assert down == {"connected": False, "lastError": "connection refused by 127.0.0.1:1883"}
    assert up == {"connected": True, "lastError": None}
