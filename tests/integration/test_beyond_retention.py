"""410 `beyond_retention` on both databases: prune, then ask with a cursor that points at what went."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import insert

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.sql.tables import pairing_diagnoses
from pairhub.bootstrap import Container
from tests.delivery_support import Receiver, drain
from tests.support import Api, Org

DAY_MS = 86_400_000
VIN = "1HGCM82633A{:06d}"


def paired(api: Api, org: Org, n: int) -> None:
    """One `unit.paired` event of the organization."""
    asset = api.new_asset(org, VIN.format(n))
    api.new_unit(org, f"tp:{n}")
    api.pair(org, f"tp:{n}", asset["id"])


def get(api: Api, org: Org, path: str, **params: Any) -> Any:
    """GET a list of the organization (the audit log with the admin token, its reader); the response."""
    headers = api.admin if path == "/audit-log" else org.headers
    return api.client.get(f"/v1/organizations/{org.id}{path}", params=params, headers=headers)


def gone(response: Any) -> str | None:
    """The `oldestCursor` of a 410 `beyond_retention` problem (fails on any other answer)."""
    assert response.status_code == 410, response.text
    body = response.json()
    assert body["code"] == "beyond_retention", body
    assert response.headers["content-type"].startswith("application/problem+json")
    cursor: str | None = body["oldestCursor"]
    return cursor


def test_an_event_cursor_behind_the_pruned_events_gets_410(
    api: Api, container: Container, clock: ManualClock
) -> None:
    org, other = api.new_org(), api.new_org("Other Trailers")
    for n in (1, 2, 3):
        paired(api, org, n)
    paired(api, other, 9)
    cursors = [item["cursor"] for item in api.feed(org, version=2)]
    other_cursor = api.feed(other, version=2)[0]["cursor"]
    assert len(cursors) == 3
    clock.advance(91 * DAY_MS / 1000)
    paired(api, org, 4)
    assert asyncio.run(container.retention.run())["events"] == 4

    # Events after the first two cursors were pruned: 410, with the cursor of the oldest event held.
    oldest = gone(get(api, org, "/events", eventVersion=2, after=cursors[0]))
    assert gone(get(api, org, "/events", eventVersion=2, after=cursors[1])) == oldest
    assert oldest is not None
    read_on = get(api, org, "/events", eventVersion=2, after=oldest).json()
    assert [item["eventData"]["unitId"] for item in read_on["data"]] == ["tp:4"]
    # The newest pruned event's cursor lost nothing: it reads on; so does the newest cursor (nothing newer).
    after_last = get(api, org, "/events", eventVersion=2, after=cursors[2])
    assert after_last.status_code == 200, after_last.text
    assert [item["cursor"] for item in after_last.json()["data"]] == [read_on["data"][0]["cursor"]]
    newest = get(api, org, "/events", eventVersion=2, after=read_on["data"][0]["cursor"])
    assert (newest.status_code, newest.json()["data"]) == (200, [])
    # Another organization whose own events all went, from its newest cursor: nothing after it was lost.
    assert get(api, other, "/events", eventVersion=2, after=other_cursor).json()["data"] == []


def test_a_feed_paused_past_the_retention_answers_410_once_then_reads_on(
    api: Api, container: Container, clock: ManualClock
) -> None:
    org = api.new_org()
    created = api.client.post(
        f"/v1/organizations/{org.id}/feeds",
        json={"eventVersion": 2, "eventNames": ["unit.paired"]},
        headers=org.headers,
    ).json()
    feed_path = f"/v1/organizations/{org.id}/feeds/{created['id']}"
    assert api.client.post(f"{feed_path}/pause", headers=org.headers).status_code == 200
    paired(api, org, 1)
    clock.advance(91 * DAY_MS / 1000)
    paired(api, org, 2)
    # A paused feed does not hold events back: the old one goes.
    assert asyncio.run(container.retention.run())["events"] == 1
    assert api.client.post(f"{feed_path}/resume", headers=org.headers).status_code == 200

    oldest = gone(api.client.get(f"/v1/feed/{created['id']}", headers=org.headers))
    polled = api.client.get(f"/v1/feed/{created['id']}", headers=org.headers)

    assert polled.status_code == 200, polled.text
    assert [item["eventData"]["unitId"] for item in polled.json()["items"]] == ["tp:2"]
    from_oldest = get(api, org, "/events", eventVersion=2, after=oldest).json()["data"]
    assert [item["cursor"] for item in from_oldest] == [polled.headers["Feed-Cursor"]]
    # A feed created now starts at the oldest event held, not with a 410.
    fresh = api.client.post(
        f"/v1/organizations/{org.id}/feeds",
        json={"eventVersion": 2, "eventNames": ["unit.paired"]},
        headers=org.headers,
    ).json()
    first = api.client.get(f"/v1/feed/{fresh['id']}", headers=org.headers)
    assert first.status_code == 200 and len(first.json()["items"]) == 1


def test_newest_first_lists_answer_410_below_what_they_still_hold(
    api: Api, container: Container, clock: ManualClock, receiver: Receiver
) -> None:
    org = api.new_org()
    sub = api.client.post(
        f"/v1/organizations/{org.id}/subscriptions",
        json={"url": receiver.url(), "eventVersion": 2, "eventNames": ["unit.paired"], "maxWaitMs": 0},
        headers=org.headers,
    ).json()
    for n in (1, 2, 3):
        paired(api, org, n)
        assert asyncio.run(drain(container.delivery_worker)) == 1
    batches = f"/subscriptions/{sub['id']}/batches"
    below_second = get(api, org, batches, limit=2).json()["nextCursor"]
    audit_page = get(api, org, "/audit-log", limit=3).json()
    assert below_second is not None and audit_page["nextCursor"] is not None
    with container.database.write() as connection:
        connection.execute(insert(pairing_diagnoses), [_diagnosis(org.id, n) for n in range(25)])
    attempts = get(api, org, "/units/tp:1/attempts", limit=10).json()
    second_page = get(api, org, "/units/tp:1/attempts", limit=10, after=attempts["nextCursor"]).json()
    assert second_page["nextCursor"] is not None

    clock.advance(401 * DAY_MS / 1000)
    paired(api, org, 4)
    assert asyncio.run(drain(container.delivery_worker)) == 1
    removed = asyncio.run(container.retention.run())
    assert removed["batches"] == 3 and removed["audit_log"] > 0 and removed["pairing_diagnoses"] == 5

    # The delivery log: the batches below the cursor went; the offered cursor shows the oldest held.
    oldest = gone(get(api, org, batches, after=below_second))
    held = get(api, org, batches, after=oldest).json()["data"]
    assert [batch["eventBatchId"] for batch in held] == [
        get(api, org, batches).json()["data"][-1]["eventBatchId"]
    ]
    # The audit log alike; with filters that match nothing below a cursor still held: 200 and empty.
    oldest_entry = gone(get(api, org, "/audit-log", after=audit_page["nextCursor"]))
    assert (
        get(api, org, "/audit-log", after=oldest_entry).json()["data"][0]["id"]
        == (get(api, org, "/audit-log", limit=1000).json()["data"][-1]["id"])
    )
    top = get(api, org, "/audit-log", limit=1).json()["nextCursor"]
    filtered = get(api, org, "/audit-log", after=top, action="no.such.action")
    assert (filtered.status_code, filtered.json()["data"]) == (200, [])
    # A unit's attempts: the newest 20 stay; the second page's cursor points below them, the first's not.
    oldest_attempt = gone(get(api, org, "/units/tp:1/attempts", after=second_page["nextCursor"]))
    last = get(api, org, "/units/tp:1/attempts", after=oldest_attempt).json()["data"]
    every = get(api, org, "/units/tp:1/attempts", limit=100).json()["data"]
    assert len(every) == 20 and last == every[-1:]
    kept = get(api, org, "/units/tp:1/attempts", limit=10, after=attempts["nextCursor"])
    assert kept.status_code == 200 and len(kept.json()["data"]) == 10


def _diagnosis(organization_id: str, n: int) -> dict[str, object]:
    return {
        "organization_id": organization_id,
        "unit_id": "tp:1",
        "at": n,
        "outcome": "NotFound",
        "rule": "P1",
        "raw_vin": None,
        "normalized_vin": "",
        "removed": "[]",
        "candidates": "[]",
    }
