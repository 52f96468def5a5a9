"""Batch answers list the first 20 refusals and count the rest, as a refused request lists its errors."""

from __future__ import annotations

from typing import Any

from pairhub.entrypoints import listing
from tests.support import Api

GOOD = "1HGCM82633A{:06d}"


def test_listing_keeps_the_first_twenty_and_counts_the_rest() -> None:
    assert listing.capped(list(range(50))) == (list(range(20)), 30)
    assert listing.capped(list(range(20))) == (list(range(20)), 0)
    assert listing.capped([]) == ([], 0)


def test_a_bulk_create_lists_every_asset_made_and_twenty_refusals(api: Api) -> None:
    org = api.new_org()
    items: list[dict[str, Any]] = []
    for n in range(1000):
        items.append({"vin": f"BAD{n:06d}"} if n % 10 == 0 else {"vin": GOOD.format(n)})
    answer = api.client.post(
        f"/v1/organizations/{org.id}/assets/bulk", json={"assets": items}, headers=org.headers
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()

    assert (body["created"], body["existing"], body["refused"]) == (900, 0, 100)
    refused = [r for r in body["results"] if r["status"] == "refused"]
    assert [r["index"] for r in refused] == list(range(0, 200, 10))
    assert all(r["code"] == "invalid_vin" for r in refused)
    assert body["moreRefused"] == 80
    made = [r for r in body["results"] if r["status"] == "created"]
    assert len(made) == 900 and all(r["id"] for r in made)
    listed = {r["index"] for r in body["results"]}
    # The refusals not listed are the indexes missing from the results.
    assert sorted(set(range(1000)) - listed) == list(range(200, 1000, 10))
    assert len(answer.content) < 150 * 1000


def test_a_bulk_create_with_few_refusals_lists_them_all(api: Api) -> None:
    org = api.new_org()
    items = [{"vin": GOOD.format(1)}, {"vin": "BAD"}, {"vin": GOOD.format(1)}]
    body = api.client.post(
        f"/v1/organizations/{org.id}/assets/bulk", json={"assets": items}, headers=org.headers
    ).json()
    assert body["moreRefused"] == 0
    assert [r["status"] for r in body["results"]] == ["created", "refused", "refused"]


def test_unit_messages_list_twenty_rejections_and_count_the_rest(api: Api) -> None:
    org = api.new_org()
    api.new_unit(org, "tp:1")
    messages: list[dict[str, Any]] = []
    for n in range(1000):
        messages.append({"unitId": "tp:1"} if n % 2 else {"unitId": "not a unit id" + "x" * 80})
    answer = api.send(*messages)

    assert answer["accepted"] == 500
    assert [r["index"] for r in answer["rejected"]] == list(range(0, 40, 2))
    assert {r["code"] for r in answer["rejected"]} == {"invalid_unit_id"}
    assert answer["moreRejected"] == 480
    # The general path (a shape the fast path does not take) caps alike, unknown units included.
    mixed = [{"unitId": f"tp:{9000 + n}"} for n in range(30)] + [{"unitId": "tp:1", "vin": 7}]
    answer = api.send(*mixed)
    assert len(answer["rejected"]) == 20 and answer["moreRejected"] == 11
    assert [r["index"] for r in answer["rejected"]] == list(range(20))


def test_unit_messages_with_few_rejections_list_them_all(api: Api) -> None:
    answer = api.send({"unitId": "bad"}, {"unitId": "tp:404"})
    assert answer["moreRejected"] == 0
    assert [(r["index"], r["code"]) for r in answer["rejected"]] == [
        (0, "invalid_unit_id"),
        (1, "unknown_unit"),
    ]
