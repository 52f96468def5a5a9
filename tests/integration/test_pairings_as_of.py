"""Pairings "as of" an instant, answered from the pairing history through the API."""

from __future__ import annotations

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.entrypoints.api.presenters import iso
from tests.support import Api, Org

UNIT = "tp:890123847562332"


def _as_of(api: Api, org: Org, instant: str) -> list[tuple[str, str]]:
    response = api.client.get(
        f"/v1/organizations/{org.id}/pairings", params={"asOf": instant}, headers=org.headers
    )
    assert response.status_code == 200, response.text
    return [(item["unitId"], item["assetId"]) for item in response.json()["data"]]


def test_as_of_answers_the_right_pairing_around_pair_unpair_and_repair(api: Api, clock: ManualClock) -> None:
    org = api.new_org()
    first = api.new_asset(org, vin="1HGCM82633A000001")["id"]
    second = api.new_asset(org, vin="WDB9634031L738192")["id"]
    api.new_unit(org, UNIT)
    before = clock.now_ms()
    clock.advance(60)
    paired = clock.now_ms()
    assert api.pair(org, UNIT, first).status_code == 201
    clock.advance(60)
    unpaired = clock.now_ms()
    assert api.unpair(org, UNIT).status_code == 200
    clock.advance(60)
    repaired = clock.now_ms()
    assert api.pair(org, UNIT, second).status_code == 201
    clock.advance(60)

    assert _as_of(api, org, iso(before) or "") == []
    assert _as_of(api, org, iso(paired) or "") == [(UNIT, first)]
    assert _as_of(api, org, iso(paired + 30_000) or "") == [(UNIT, first)]
    assert _as_of(api, org, iso(unpaired) or "") == []
    # The same instant in another offset is the same answer.
    assert _as_of(api, org, "2025-05-12T22:21:00+02:00") == []
    assert _as_of(api, org, iso(repaired + 1) or "") == [(UNIT, second)]
    current = api.client.get(f"/v1/organizations/{org.id}/pairings", headers=org.headers).json()["data"]
    assert [(item["unitId"], item["assetId"]) for item in current] == [(UNIT, second)]


@pytest.mark.parametrize("instant", ["yesterday", "2025-05-12T22:20:00", "2025-13-01T00:00:00Z", ""])
def test_an_unreadable_as_of_is_a_400_problem(api: Api, instant: str) -> None:
    org = api.new_org()

    response = api.client.get(
        f"/v1/organizations/{org.id}/pairings", params={"asOf": instant}, headers=org.headers
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_time"
