"""The event feed's filters and the refusal of unknown query parameters, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from pairhub.adapters.clock import ManualClock
from tests.support import PASSWORD, Api, Org

START = "2025-05-12T22:20:00Z"  # the ManualClock's start
VIN_A = "1HGCM82633A000001"
VIN_B = "1HGCM82633A000002"


def _events(api: Api, org: Org, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 2, **({"after": cursor} if cursor else {})}
        page = api.client.get(f"/v1/organizations/{org.id}/events", params=query, headers=org.headers)
        assert page.status_code == 200, page.text
        items += page.json()["data"]
        cursor = page.json()["nextCursor"]
        if cursor is None:
            return items


def _history(api: Api, clock: ManualClock) -> tuple[Org, dict[str, Any], dict[str, Any]]:
    """ManualPair + unpair of tp:1 on asset A at 22:20; AutoPair of tp:2 on B and NotFound of tp:3 an
    hour later; InvalidData of tp:4 two hours later."""
    org = api.new_org(autoPairingEnabled=True)
    asset_a, asset_b = api.new_asset(org, VIN_A), api.new_asset(org, VIN_B)
    for unit in ("tp:1", "tp:2", "tp:3", "tp:4"):
        api.new_unit(org, unit)
    assert api.pair(org, "tp:1", asset_a["id"]).status_code == 201
    assert api.unpair(org, "tp:1").status_code == 200
    clock.advance(3600)
    api.send({"unitId": "tp:2", "vin": VIN_B}, {"unitId": "tp:3", "vin": "WDB9634031L738192"})
    clock.advance(3600)
    api.send({"unitId": "tp:4", "vin": "nonsense"})
    return org, asset_a, asset_b


def _summary(items: list[dict[str, Any]]) -> list[tuple[str, str | None, str]]:
    return [
        (item["eventType"], item["eventData"].get("reason"), item["eventData"]["unitId"]) for item in items
    ]


def test_each_filter_narrows_the_feed_and_pages_keep_it(api: Api, clock: ManualClock) -> None:
    org, asset_a, asset_b = _history(api, clock)

    assert len(_events(api, org)) == 5
    assert _summary(_events(api, org, eventType="unit.unpaired")) == [("unit.unpaired", None, "tp:1")]
    assert _summary(_events(api, org, reason="NotFound")) == [("unit.paired", "NotFound", "tp:3")]
    assert _summary(_events(api, org, unitId="tp:1")) == [
        ("unit.paired", "ManualPair", "tp:1"),
        ("unit.unpaired", None, "tp:1"),
    ]
    assert _summary(_events(api, org, assetId=asset_b["id"])) == [("unit.paired", "AutoPair", "tp:2")]
    assert len(_events(api, org, assetId=asset_a["id"])) == 2
    # The time range: `since` inclusive, `until` exclusive, any UTC offset.
    assert _summary(_events(api, org, since="2025-05-12T23:20:00Z", until="2025-05-13T02:20:00+02:00")) == [
        ("unit.paired", "AutoPair", "tp:2"),
        ("unit.paired", "NotFound", "tp:3"),
    ]
    assert _summary(_events(api, org, since="2025-05-13T00:20:00.000+00:00")) == [
        ("unit.paired", "InvalidData", "tp:4")
    ]
    assert _summary(_events(api, org, eventType="unit.paired", unitId="tp:1", until=START)) == []
    # Version 2 carries no unpairing: the same filters, rendered in v2.
    v2 = _events(api, org, eventVersion=2, unitId="tp:1")
    assert _summary(v2) == [("unit.paired", "ManualPair", "tp:1")] and v2[0]["eventVersion"] == 2


def test_q_finds_events_by_any_part_of_the_unit_id_ignoring_case(api: Api, clock: ManualClock) -> None:
    org = api.new_org(autoPairingEnabled=True)
    asset = api.new_asset(org, VIN_A)
    for unit in ("tp:890123847562305", "tp:ABc8901", "tp:5501"):
        api.new_unit(org, unit)
        assert api.pair(org, unit, asset["id"]).status_code == 201
        assert api.unpair(org, unit).status_code == 200

    def units(**params: Any) -> list[str]:
        return [unit for _, _, unit in _summary(_events(api, org, **params))]

    assert units(q="TP:8901") == ["tp:890123847562305"] * 2
    assert units(q=" 8901 ") == ["tp:890123847562305"] * 2 + ["tp:ABc8901"] * 2  # blanks are no part
    assert units(q="abC") == ["tp:ABc8901"] * 2
    # `%` and `_` are the characters they are, not SQL wildcards.
    assert units(q="5_0") == units(q="5%1") == []
    # `q` combines with the other filters, and an exact `unitId` still means that id alone.
    assert _summary(_events(api, org, q="8901", eventType="unit.unpaired")) == [
        ("unit.unpaired", None, "tp:890123847562305"),
        ("unit.unpaired", None, "tp:ABc8901"),
    ]
    assert units(q="8901", unitId="tp:5501") == []
    assert units(q="", unitId="tp:5501") == ["tp:5501"] * 2
    too_long = api.client.get(
        f"/v1/organizations/{org.id}/events", params={"q": "x" * 101}, headers=org.headers
    )
    assert (too_long.status_code, too_long.json()["code"]) == (422, "validation_error")


def test_bad_filter_values_are_refused_with_their_code(api: Api) -> None:
    org = api.new_org()
    url = f"/v1/organizations/{org.id}/events"

    def code(**params: Any) -> tuple[int, str]:
        answer = api.client.get(url, params=params, headers=org.headers)
        return answer.status_code, answer.json()["code"]

    assert code(since="yesterday") == (422, "invalid_time")
    assert code(until="2025-05-12T22:20:00") == (422, "invalid_time")  # no offset: which zone?
    assert code(since="2025-13-01T00:00:00Z") == (422, "invalid_time")
    assert code(reason="Paired") == (422, "validation_error")
    assert code(eventType="unit.created") == (422, "validation_error")
    assert code(eventVersion=2, eventType="unit.unpaired") == (422, "event_not_offered")


def test_unknown_query_parameters_are_refused_on_every_operation(api: Api) -> None:
    org = api.new_org()
    misspelt = api.client.get(
        f"/v1/organizations/{org.id}/events", params={"eventtype": "unit.paired"}, headers=org.headers
    )
    assert misspelt.status_code == 422
    problem = misspelt.json()
    assert problem["code"] == "unknown_parameter" and problem["parameters"] == ["eventtype"]
    assert "`eventType`" in problem["detail"]

    operations = [
        ("GET", "/v1/organizations", api.admin),
        ("GET", f"/v1/organizations/{org.id}/assets", org.headers),
        ("GET", f"/v1/organizations/{org.id}/pairings", org.headers),
        ("GET", "/v1/event-types", {}),
        ("GET", "/healthz", {}),
        ("POST", f"/v1/organizations/{org.id}/units", org.headers),
    ]
    for method, path, headers in operations:
        answer = api.client.request(
            method, path, params={"verbose": "1"}, headers=headers, json={"unitId": "tp:9"}
        )
        assert (answer.status_code, answer.json()["code"]) == (422, "unknown_parameter"), (method, path)
    # Nothing was created by the refused POST, and declared parameters still pass.
    assert api.client.get(f"/v1/organizations/{org.id}/units", headers=org.headers).json()["data"] == []
    assert (
        api.client.get(f"/v1/organizations/{org.id}/assets?limit=5", headers=org.headers).status_code == 200
    )


def test_the_events_page_finds_an_asset_by_vin_or_id_even_once_deleted(api: Api, clock: ManualClock) -> None:
    org, asset_a, asset_b = _history(api, clock)
    person = api.new_person(org, "viewer")
    csrf = api.client.get("/ui/sign-in").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    signed_in = api.client.post(
        "/ui/sign-in",
        data={"email": person.email, "password": PASSWORD, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303, signed_in.text

    def cards(**params: str) -> int:
        page = api.client.get("/ui/events", params=params, follow_redirects=False)
        assert page.status_code == 200, page.text[:300]
        return page.text.count('data-testid="event"')

    assert cards() == 5
    assert cards(asset=VIN_A.lower()[:8] + "-" + VIN_A.lower()[8:]) == 2  # pairing and unpairing of tp:1
    assert cards(asset=asset_b["id"]) == 1
    # The range in the viewer's zone (UTC+2: offset -120): 01:20 to 02:20 local is 23:20 to 00:20 UTC.
    assert cards(since="2025-05-13T01:20", since_tz="-120", until="2025-05-13T02:20:00", until_tz="-120") == 2
    assert cards(asset=asset_b["id"], since="2025-05-13T01:20", since_tz="-120") == 1
    # Events keep naming an asset deleted since: its id still finds them, its VIN no more.
    deleted = api.client.delete(f"/v1/organizations/{org.id}/assets/{asset_a['id']}", headers=org.headers)
    assert deleted.status_code == 204, deleted.text
    assert cards(asset=asset_a["id"]) == 2
    assert cards(asset=VIN_A) == 0
