"""Manual pairing and unpairing through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.support import Api

UNIT = "tp:890123847562332"
VIN = "1HGCM82633A000001"


def test_pair_emits_manual_pair_event_and_is_idempotent(api: Api) -> None:
    org = api.new_org()
    asset = api.new_asset(org, vin=VIN)
    api.new_unit(org, UNIT)

    first = api.pair(org, UNIT, asset["id"])
    again = api.pair(org, UNIT, asset["id"])

    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["assetId"] == asset["id"]
    feed = api.feed(org)
    assert [item["eventData"]["reason"] for item in feed] == ["ManualPair"]
    assert list(feed[0]["eventData"]) == [
        "registeredOn",
        "organizationId",
        "assetId",
        "unitId",
        "status",
        "reason",
        "assetVIN",
    ]


def test_pair_to_another_asset_is_a_conflict_naming_the_current_asset(api: Api) -> None:
    org = api.new_org()
    first = api.new_asset(org, vin=VIN)
    second = api.new_asset(org, vin="WDB9634031L738192")
    api.new_unit(org, UNIT)
    api.pair(org, UNIT, first["id"])

    response = api.pair(org, UNIT, second["id"])

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unit_already_paired"
    assert response.json()["assetId"] == first["id"]


def test_unpair_emits_unpaired_with_vin_and_suppresses_auto_pairing(api: Api) -> None:
    org = api.new_org()
    asset = api.new_asset(org, vin=VIN)
    api.new_unit(org, UNIT)
    api.pair(org, UNIT, asset["id"])

    response = api.unpair(org, UNIT)
    twice = api.unpair(org, UNIT)

    assert response.status_code == 200
    assert twice.status_code == 409
    assert twice.json()["code"] == "unit_not_paired"
    unpaired = api.feed(org)[-1]
    assert unpaired["eventType"] == "unit.unpaired"
    assert unpaired["eventData"]["assetVIN"] == VIN
    unit = api.client.get(f"/v1/organizations/{org.id}/units/{UNIT}", headers=org.headers).json()
    assert unit["assetId"] is None
    assert unit["autoPairing"]["state"] == "suppressed"


def test_history_names_who_ended_a_pairing_and_through_which_channel(api: Api) -> None:
    org = api.new_org()
    asset = api.new_asset(org, vin=VIN)
    api.new_unit(org, UNIT)
    api.pair(org, UNIT, asset["id"])

    closed = api.unpair(org, UNIT).json()
    history = api.client.get(f"/v1/organizations/{org.id}/pairings/history", headers=org.headers).json()
    documented = api.client.get("/openapi.json").json()["components"]["schemas"]["PairingHistoryOut"]

    ended = {key: closed[key] for key in ("pairedBy", "pairedVia", "unpairedBy", "unpairedVia")}
    assert ended == {
        "pairedBy": "ManualPair",
        "pairedVia": "api",
        "unpairedBy": "ManualUnpair",
        "unpairedVia": "api",
    }
    assert history["data"] == [closed]
    assert {"unpairedBy", "unpairedVia"} <= set(documented["properties"])
    assert list(api.feed(org)[-1]["eventData"]) == [
        "registeredOn",
        "organizationId",
        "assetId",
        "unitId",
        "assetVIN",
    ]
