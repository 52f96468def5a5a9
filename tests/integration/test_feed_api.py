"""The Datahub Feed API over HTTP on SQLite and PostgreSQL: paging, Feed-Cursor, 404s, 429, limits."""

from __future__ import annotations

from typing import Any

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain import events
from pairhub.domain.events import PairingEvent
from tests.conftest import INGEST_TOKEN
from tests.support import Api, Org

VIN = "1HGCM82633A000001"


def record_events(container: Container, org: Org, count: int) -> list[str]:
    """Store `count` events of the organization (pairs and unpairs by turns); return their unit ids."""
    batch: list[PairingEvent] = []
    for n in range(count):
        unit_id = f"tp:{n:06d}"
        make = events.manual_pair if n % 2 == 0 else events.manual_unpair
        batch.append(make(org.id, unit_id, "00000000-0000-0000-0000-00000000a5e7", VIN, 1_000 + n))
    with container.storage.write() as uow:
        uow.events.record(batch)
    return [event.unit_id for event in batch]


def create_feed(
    api: Api, org: Org, version: int = 1, names: tuple[str, ...] = ("unit.paired", "unit.unpaired")
) -> str:
    response = api.client.post(
        f"/v1/organizations/{org.id}/feeds",
        json={"eventVersion": version, "eventNames": list(names)},
        headers=org.headers,
    )
    assert response.status_code == 201, response.text
    feed_id: str = response.json()["id"]
    return feed_id


def poll(api: Api, org: Org, feed_id: str, **params: Any) -> Any:
    return api.client.get(f"/v1/feed/{feed_id}", params=params, headers=org.headers)


def test_a_client_pages_through_1000_events_and_sees_each_exactly_once(
    container: Container, api: Api
) -> None:
    org = api.new_org()
    expected = record_events(container, org, 1000)
    feed_id = create_feed(api, org)

    seen: list[str] = []
    answers = []
    while True:
        response = poll(api, org, feed_id)
        assert response.status_code == 200, response.text
        body = response.json()
        answers.append(body["hasNext"])
        seen.extend(item["eventData"]["unitId"] for item in body["items"])
        if not body["hasNext"]:
            break

    assert seen == expected
    assert answers == [True] * 9 + [False]
    shown = api.client.get(f"/v1/organizations/{org.id}/feeds/{feed_id}", headers=org.headers).json()
    assert shown["backlogEvents"] == 0 and shown["lastPolledAt"] is not None


def test_items_are_what_a_webhook_of_the_feed_version_carries(container: Container, api: Api) -> None:
    org = api.new_org()
    record_events(container, org, 4)
    feed_id = create_feed(api, org, version=2, names=("unit.paired",))

    body = poll(api, org, feed_id, limit=250).json()

    assert body["hasNext"] is False
    assert [item["eventData"]["unitId"] for item in body["items"]] == ["tp:000000", "tp:000002"]
    assert body["items"][0] == {
        "eventType": "unit.paired",
        "eventVersion": 2,
        "eventData": {
            "organizationId": org.id,
            "unitId": "tp:000000",
            "assetId": "00000000-0000-0000-0000-00000000a5e7",
            "assetVIN": VIN,
            "status": "success",
            "reason": "ManualPair",
            "registeredOn": "1970-01-01T00:00:01.000Z",
        },
    }


def test_a_lost_page_is_read_again_from_the_event_feed_after_the_previous_feed_cursor(
    container: Container, api: Api
) -> None:
    org = api.new_org()
    record_events(container, org, 300)
    feed_id = create_feed(api, org)

    first = poll(api, org, feed_id)
    lost = poll(api, org, feed_id)  # the consumer crashed before it stored this page
    third = poll(api, org, feed_id)
    kept_cursor = first.headers["Feed-Cursor"]

    again = api.client.get(
        f"/v1/organizations/{org.id}/events",
        params={"after": kept_cursor, "limit": 100, "eventVersion": 1},
        headers=org.headers,
    ).json()["data"]

    assert [{k: v for k, v in item.items() if k != "cursor"} for item in again] == lost.json()["items"]
    assert again[-1]["cursor"] == lost.headers["Feed-Cursor"]
    assert third.json()["items"][0]["eventData"]["unitId"] == "tp:000200"


def test_paused_deleted_unknown_and_foreign_feeds_answer_404(
    container: Container, api: Api, clock: ManualClock
) -> None:
    org, other = api.new_org(), api.new_org("Other Trailers")
    record_events(container, org, 3)
    feed_id = create_feed(api, org)
    feed_path = f"/v1/organizations/{org.id}/feeds/{feed_id}"

    foreign = poll(api, other, feed_id)
    assert (foreign.status_code, foreign.json()["code"]) == (404, "feed_not_found")
    assert (
        api.client.get(f"/v1/organizations/{other.id}/feeds/{feed_id}", headers=other.headers).status_code
        == 404
    )
    assert poll(api, org, "00000000-0000-0000-0000-000000000000").status_code == 404

    paused = api.client.post(feed_path + "/pause", headers=org.headers)
    assert paused.json()["state"] == "paused"
    refused = poll(api, org, feed_id)
    assert refused.status_code == 404
    assert refused.headers["content-type"] == "application/problem+json"
    assert api.client.post(feed_path + "/resume", headers=org.headers).json()["state"] == "active"
    assert len(poll(api, org, feed_id).json()["items"]) == 3

    assert api.client.delete(feed_path, headers=org.headers).status_code == 204
    clock.advance(60)
    assert poll(api, org, feed_id).status_code == 404
    assert api.client.get(feed_path, headers=org.headers).status_code == 404
    listed = api.client.get(f"/v1/organizations/{org.id}/feeds", headers=org.headers).json()
    assert listed == {"data": [], "nextCursor": None}


def test_an_over_eager_poll_gets_429_with_retry_after(
    container: Container, api: Api, clock: ManualClock
) -> None:
    org = api.new_org()
    record_events(container, org, 2)
    feed_id = create_feed(api, org)
    assert poll(api, org, feed_id).json()["hasNext"] is False

    clock.advance(2)
    eager = poll(api, org, feed_id)

    assert eager.status_code == 429
    assert eager.headers["Retry-After"] == "3"
    assert eager.headers["content-type"] == "application/problem+json"
    assert eager.json()["code"] == "feed_polled_too_soon"
    record_events(container, org, 1)
    clock.advance(3)
    after_wait = poll(api, org, feed_id)
    assert after_wait.status_code == 200
    assert [item["eventData"]["unitId"] for item in after_wait.json()["items"]] == ["tp:000000"]


@pytest.mark.parametrize("limit", ["99", "251", "0", "abc", "\uff11\uff10\uff10", "100.0", ""])
def test_a_limit_outside_100_to_250_is_refused_with_422(api: Api, limit: str) -> None:
    org = api.new_org()
    feed_id = create_feed(api, org)

    response = poll(api, org, feed_id, limit=limit)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_callers_other_than_the_organization_and_the_admin_are_refused(api: Api) -> None:
    org = api.new_org()
    feed_id = create_feed(api, org)

    assert api.client.get(f"/v1/feed/{feed_id}").status_code == 401
    assert (
        api.client.get(f"/v1/feed/{feed_id}", headers={"Authorization": "Bearer phk_nope"}).status_code == 401
    )
    ingest = api.client.get(f"/v1/feed/{feed_id}", headers={"Authorization": f"Bearer {INGEST_TOKEN}"})
    assert ingest.status_code == 403
    assert api.client.get(f"/v1/feed/{feed_id}", headers=api.admin).status_code == 200


def test_create_refuses_what_the_version_does_not_offer_unknown_fields_and_inactive_organizations(
    api: Api,
) -> None:
    org = api.new_org()
    inactive = api.new_org("Dormant", datahubSubscriptionActive=False)
    path = f"/v1/organizations/{org.id}/feeds"

    v2_unpaired = api.client.post(
        path, json={"eventVersion": 2, "eventNames": ["unit.unpaired"]}, headers=org.headers
    )
    assert (v2_unpaired.status_code, v2_unpaired.json()["code"]) == (422, "event_not_offered")
    unknown = api.client.post(path, json={"eventNames": ["unit.paired"], "url": "x"}, headers=org.headers)
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_field")
    assert api.client.post(path, json={"eventNames": []}, headers=org.headers).status_code == 422
    dormant = api.client.post(
        f"/v1/organizations/{inactive.id}/feeds",
        json={"eventNames": ["unit.paired"]},
        headers=inactive.headers,
    )
    assert (dormant.status_code, dormant.json()["code"]) == (403, "datahub_subscription_inactive")
