"""Auto pairing through the HTTP API on SQLite and PostgreSQL: every outcome and when attempts happen."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.sql.pairings import SqlPairings
from pairhub.adapters.sql.tables import pairings
from pairhub.bootstrap import Container
from pairhub.services.auto_pairing.resolve import match
from tests.support import Api, Org

UNIT = "tp:890123847562332"
VIN = "1HGCM82633A000001"
OTHER_VIN = "WDB9634031L738192"
HERE = {"latitude": 50.869, "longitude": 2.8942}


def reasons(api: Api, org: Org) -> list[str]:
    return [item["eventData"].get("reason", item["eventType"]) for item in api.feed(org)]


def auto_org(api: Api) -> Org:
    return api.new_org(autoPairingEnabled=True)


def test_exact_match_pairs_and_emits_auto_pair_in_both_versions(api: Api) -> None:
    org = auto_org(api)
    asset = api.new_asset(org, vin=VIN)
    api.new_unit(org, UNIT)

    result = api.send({"unitId": UNIT, "vin": VIN.lower(), "location": HERE})

    assert result == {"accepted": 1, "rejected": [], "moreRejected": 0}
    v2 = api.feed(org, 2)[0]["eventData"]
    assert list(v2) == [
        "registeredOn",
        "organizationId",
        "unitId",
        "status",
        "reason",
        "assetId",
        "assetVIN",
        "sensorVIN",
        "location",
    ]
    assert (v2["status"], v2["reason"], v2["assetId"], v2["assetVIN"], v2["sensorVIN"]) == (
        "success",
        "AutoPair",
        asset["id"],
        VIN,
        VIN,
    )
    assert v2["location"] == {"latitude": 50.869, "longitude": 2.8942}
    assert api.feed(org, 1)[0]["eventData"]["location"] == {"lat": 50.869, "lon": 2.8942}
    state = api.unit(org, UNIT)
    assert state["assetId"] == asset["id"]
    assert state["autoPairing"]["state"] == "paired"
    history = api.client.get(f"/v1/organizations/{org.id}/pairings/history", headers=org.headers).json()
    assert [(h["pairedBy"], h["pairedVia"]) for h in history["data"]] == [("AutoPair", "auto")]


def test_truncated_vin_pairs_with_the_only_asset_ending_with_it(api: Api) -> None:
    org = auto_org(api)
    asset = api.new_asset(org, vin=VIN)
    api.new_asset(org, vin=OTHER_VIN)
    api.new_unit(org, UNIT)

    api.send({"unitId": UNIT, "vin": "3A000001"})

    event = api.feed(org, 2)[0]["eventData"]
    assert (event["reason"], event["assetId"], event["sensorVIN"]) == ("AutoPair", asset["id"], "3A000001")
    assert "location" not in event


def test_one_typo_before_the_serial_pairs(api: Api) -> None:
    org = auto_org(api)
    asset = api.new_asset(org, vin=VIN)
    api.new_unit(org, UNIT)

    api.send({"unitId": UNIT, "vin": "1HGCM82633B000001"})

    event = api.feed(org, 2)[0]["eventData"]
    assert (event["reason"], event["assetId"], event["assetVIN"]) == ("AutoPair", asset["id"], VIN)


def test_several_candidates_give_multiple_match_found_with_sorted_ids_once_per_vin(api: Api) -> None:
    org = auto_org(api)
    first = api.new_asset(org, vin="1HGCM82633AF3D001")
    second = api.new_asset(org, vin="WDB9634031LF3D001")
    api.new_unit(org, UNIT)

    api.send({"unitId": UNIT, "vin": "F3D001", "location": HERE})
    api.send({"unitId": UNIT, "vin": "F3D001"}, {"unitId": UNIT, "vin": "f3d-001"})

    feed = api.feed(org, 2)
    assert len(feed) == 1
    event = feed[0]["eventData"]
    assert list(event) == [
        "registeredOn",
        "organizationId",
        "unitId",
        "status",
        "reason",
        "sensorVIN",
        "candidateAssetIds",
        "location",
    ]
    assert event["reason"] == "MultipleMatchFound"
    assert event["candidateAssetIds"] == sorted([first["id"], second["id"]])
    state = api.unit(org, UNIT)["autoPairing"]
    assert state["state"] == "multipleMatchFound"
    assert state["candidateAssetIds"] == sorted([first["id"], second["id"]])


def test_no_candidate_gives_not_found_with_a_reminder_schedule(api: Api, clock: ManualClock) -> None:
    org = auto_org(api)
    api.new_asset(org, vin=OTHER_VIN)
    api.new_unit(org, UNIT)

    api.send({"unitId": UNIT, "vin": "F3A000001", "location": HERE})
    api.send({"unitId": UNIT, "vin": "F3A000001"})

    feed = api.feed(org, 2)
    assert len(feed) == 1
    event = feed[0]["eventData"]
    assert list(event) == [
        "registeredOn",
        "organizationId",
        "unitId",
        "status",
        "reason",
        "sensorVIN",
        "location",
    ]
    assert (event["status"], event["reason"], event["sensorVIN"]) == ("failed", "NotFound", "F3A000001")
    state = api.unit(org, UNIT)["autoPairing"]
    assert state["state"] == "notFound"
    assert state["remindersSent"] == 0
    assert state["firstFailedAt"] == event["registeredOn"]
    assert state["nextReminderAt"] is not None


@pytest.mark.parametrize(
    ("message", "sensor_vin"),
    [
        ({"vin": None}, None),
        ({"vin": ""}, None),
        ({"vin": "\x00\x00\x00"}, None),
        ({"vin": "1HGCM8IO3A000001"}, "1HGCM8IO3A000001"),
        ({"vin": "F3A00"}, "F3A00"),
        ({"vin": "00000000000000000"}, "00000000000000000"),
        ({"vin": "1HGCM82633A0000012"}, "1HGCM82633A0000012"),
    ],
)
def test_invalid_data_carries_the_raw_vin_and_omits_it_when_none_was_reported(
    api: Api, message: dict[str, Any], sensor_vin: str | None
) -> None:
    org = auto_org(api)
    api.new_asset(org, vin=VIN)
    api.new_unit(org, UNIT)

    api.send({"unitId": UNIT, **message, "location": HERE})
    api.send({"unitId": UNIT, **message})

    feed = api.feed(org, 1)
    assert len(feed) == 1, "InvalidData is emitted once per (unit, VIN)"
    event = feed[0]["eventData"]
    assert event["reason"] == "InvalidData"
    assert event.get("sensorVIN") == sensor_vin
    if sensor_vin is None:
        # As the seed's InvalidData examples: nothing reported, no sensorVIN key at all.
        assert list(event) == ["registeredOn", "organizationId", "unitId", "status", "reason", "location"]
    assert api.unit(org, UNIT)["autoPairing"]["state"] == "invalidData"


def test_a_message_without_a_vin_key_does_not_attempt(api: Api) -> None:
    org = auto_org(api)
    api.new_unit(org, UNIT)

    api.send({"unitId": UNIT, "location": HERE})

    assert api.feed(org) == []
    assert api.unit(org, UNIT)["autoPairing"]["state"] == "idle"


def test_a_new_vin_attempts_again_and_a_paired_unit_is_never_repaired(api: Api) -> None:
    org = auto_org(api)
    api.new_unit(org, UNIT)
    api.send({"unitId": UNIT, "vin": VIN})
    asset = api.new_asset(org, vin=OTHER_VIN)
    api.send({"unitId": UNIT, "vin": OTHER_VIN})
    other = api.new_asset(org, vin=VIN)

    api.send({"unitId": UNIT, "vin": VIN}, {"unitId": UNIT, "vin": "F3A000001"})

    assert reasons(api, org) == ["NotFound", "AutoPair"]
    state = api.unit(org, UNIT)
    assert state["assetId"] == asset["id"] != other["id"]
    assert state["lastReportedVin"] is not None


def test_after_a_manual_unpair_auto_pairing_waits_for_another_vin(api: Api) -> None:
    org = auto_org(api)
    first = api.new_asset(org, vin=VIN)
    second = api.new_asset(org, vin=OTHER_VIN)
    api.new_unit(org, UNIT)
    api.send({"unitId": UNIT, "vin": VIN})
    assert api.unpair(org, UNIT).status_code == 200

    api.send({"unitId": UNIT, "vin": VIN}, {"unitId": UNIT, "vin": VIN.lower()})
    assert api.unit(org, UNIT)["autoPairing"]["state"] == "suppressed"
    api.send({"unitId": UNIT, "vin": OTHER_VIN})

    assert reasons(api, org) == ["AutoPair", "unit.unpaired", "AutoPair"]
    events = api.feed(org)
    assert events[0]["eventData"]["assetId"] == first["id"]
    assert events[2]["eventData"]["assetId"] == second["id"]


def test_creating_the_missing_asset_pairs_a_waiting_unit_at_once(api: Api) -> None:
    org = auto_org(api)
    api.new_unit(org, UNIT)
    api.send({"unitId": UNIT, "vin": "F3A000001", "location": HERE})

    asset = api.new_asset(org, vin="1HGCM82633F3A000001"[-17:])

    events = api.feed(org, 2)
    assert [e["eventData"]["reason"] for e in events] == ["NotFound", "AutoPair"]
    assert events[1]["eventData"]["assetId"] == asset["id"]
    assert events[1]["eventData"]["location"] == HERE
    state = api.unit(org, UNIT)
    assert state["assetId"] == asset["id"]
    assert state["autoPairing"]["nextReminderAt"] is None


def test_fixing_an_asset_vin_resolves_a_multiple_match_and_only_changes_emit(api: Api) -> None:
    org = auto_org(api)
    first = api.new_asset(org, vin="1HGCM82633AF3D001")
    second = api.new_asset(org, vin="WDB9634031LF3D001")
    api.new_unit(org, UNIT)
    api.send({"unitId": UNIT, "vin": "F3D001"})

    # An unrelated asset: same outcome, nothing emitted.
    api.new_asset(org, vin="ZZZZZZZZZZZ123456")
    assert reasons(api, org) == ["MultipleMatchFound"]
    # A third candidate: the candidate list changed, so it is news.
    third = api.new_asset(org, vin="YV2A4C2A1VB0F3D001"[-17:])
    # The customer fixes two VINs: a single candidate is left, and the unit pairs with it.
    for asset in (second, third):
        response = api.client.patch(
            f"/v1/organizations/{org.id}/assets/{asset['id']}",
            json={"vin": asset["vin"][:11] + "999999"},
            headers=org.headers,
        )
        assert response.status_code == 200, response.text

    events = api.feed(org, 2)
    assert [e["eventData"]["reason"] for e in events] == ["MultipleMatchFound"] * 3 + ["AutoPair"]
    assert [len(e["eventData"]["candidateAssetIds"]) for e in events[:3]] == [2, 3, 2]
    assert events[2]["eventData"]["candidateAssetIds"] == sorted([first["id"], third["id"]])
    assert events[3]["eventData"]["assetId"] == first["id"]


def test_an_unexpected_error_is_unknown_rolled_back_and_retried_later(
    api: Api, container: Container, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = auto_org(api)
    asset = api.new_asset(org, vin=VIN)
    api.new_unit(org, UNIT)

    def pair_then_fail(*args: Any, **kwargs: Any) -> None:
        real_open(*args, **kwargs)
        raise RuntimeError("the storage hiccuped")

    real_open = SqlPairings.open
    monkeypatch.setattr(SqlPairings, "open", pair_then_fail)
    api.send({"unitId": UNIT, "vin": VIN, "location": HERE})

    event = api.feed(org, 2)[0]["eventData"]
    assert list(event) == [
        "registeredOn",
        "organizationId",
        "unitId",
        "status",
        "reason",
        "sensorVIN",
        "location",
    ]
    assert (event["reason"], event["sensorVIN"]) == ("Unknown", VIN)
    state = api.unit(org, UNIT)
    assert state["assetId"] is None, "the half-made pairing was rolled back"
    assert state["autoPairing"]["state"] == "unknown"
    with container.database.read() as connection:
        assert connection.execute(select(func.count()).select_from(pairings)).scalar_one() == 0

    monkeypatch.setattr(SqlPairings, "open", real_open)
    retry_after = container.settings.unknown_retry_after
    clock.advance(retry_after - 1)
    api.send({"unitId": UNIT, "vin": VIN})
    assert reasons(api, org) == ["Unknown"]
    clock.advance(1)
    api.send({"unitId": UNIT})
    assert reasons(api, org) == ["Unknown", "AutoPair"]
    assert api.unit(org, UNIT)["assetId"] == asset["id"]


def test_a_failing_matcher_is_unknown_too(api: Api, container: Container) -> None:
    org = auto_org(api)
    api.new_unit(org, UNIT)

    def broken(*_: Any) -> Any:
        raise TimeoutError("index unavailable")

    container.auto_pairing.matcher = broken
    api.send({"unitId": UNIT, "vin": "F3A000001"})
    container.auto_pairing.matcher = match

    assert reasons(api, org) == ["Unknown"]
    assert "nextReminderAt" in api.unit(org, UNIT)["autoPairing"]
    assert api.unit(org, UNIT)["autoPairing"]["nextReminderAt"] is None
