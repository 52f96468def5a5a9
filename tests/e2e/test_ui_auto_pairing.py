"""Units waiting in auto pairing, seen and resolved from the browser (messages come through the API)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, new_unit_id, shot, sign_in

LOCATION = {"latitude": 50.869, "longitude": 2.8942}


def test_resolve_a_multiple_match_by_clicking_the_right_candidate(page: Page, server: Server) -> None:
    org = server.new_org("Multiple Trailers", autoPairingEnabled=True)
    wrong = org.asset(vin="WDB96340F3D000001", name="Krone left")
    right = org.asset(vin="YV2AS02AF3D000001", name="Krone right")
    unit = new_unit_id("krone")
    org.unit(unit)
    server.unit_messages({"unitId": unit, "vin": "F3D000001", "location": LOCATION})
    sign_in(page, org)

    page.get_by_role("link", name="Units", exact=True).click()
    page.get_by_label("Show").select_option("multipleMatchFound")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=unit).click()

    expect(page.get_by_test_id("ap-state")).to_have_text("Several matching assets")
    candidates = page.get_by_role("table", name="Candidate assets")
    expect(candidates.get_by_role("row")).to_have_count(3)
    expect(candidates).to_contain_text("Krone left")
    shot(page, "unit-multiple-match")
    candidates.get_by_role("button", name="Pair with this asset: YV2AS02AF3D000001").click()

    expect(page.get_by_role("status")).to_have_text(f"Unit {unit} is paired with Krone right.")
    expect(page.get_by_test_id("pairing-state")).to_contain_text("Paired with Krone right")
    expect(page.get_by_test_id("ap-state")).to_have_text("Paired")
    pairing = org.call("GET", f"/units/{unit}").json()
    assert pairing["assetId"] == right["id"] != wrong["id"]


def test_fixing_an_asset_vin_pairs_the_unit_that_found_no_asset(page: Page, server: Server) -> None:
    org = server.new_org("NotFound Trailers", autoPairingEnabled=True)
    asset = org.asset(vin="1HGCM82633A000008", name="Typo trailer")
    unit = new_unit_id()
    org.unit(unit)
    server.unit_messages({"unitId": unit, "vin": "1hgcm82633a000009", "location": LOCATION})
    sign_in(page, org)

    page.goto(f"/ui/units/{unit}")
    expect(page.get_by_test_id("ap-state")).to_have_text("VIN not found")
    expect(page.get_by_test_id("sensor-vin")).to_have_text("1HGCM82633A000009")
    expect(page.get_by_test_id("reminders-sent")).to_have_text("0 of 48")
    expect(page.get_by_test_id("next-reminder")).to_contain_text(re.compile(r"^in (59|60) min"))
    shot(page, "unit-not-found")

    page.goto(f"/ui/assets/{asset['id']}")
    page.get_by_label("VIN", exact=True).fill("1HGCM82633A000009")
    page.get_by_role("button", name="Save asset").click()
    expect(page.get_by_role("status")).to_have_text(f"Asset saved. Paired units: {unit}.")

    page.get_by_role("link", name=unit).click()
    expect(page.get_by_test_id("pairing-state")).to_contain_text("Paired with Typo trailer")
    expect(page.get_by_test_id("ap-state")).to_have_text("Paired")
    history = page.get_by_role("table", name="Pairing history, newest first")
    expect(history).to_contain_text("automatically")


def test_invalid_data_shows_the_raw_reported_value(page: Page, server: Server) -> None:
    org = server.new_org("Invalid Trailers", autoPairingEnabled=True)
    unit = new_unit_id()
    org.unit(unit)
    server.unit_messages({"unitId": unit, "vin": "wdb-ooo*\xff\xff"})
    sign_in(page, org)

    page.goto(f"/ui/units/{unit}")
    expect(page.get_by_test_id("ap-state")).to_have_text("Unusable VIN")
    expect(page.get_by_test_id("raw-vin")).to_have_text("wdb-ooo*\\xff\\xff")
    attempts = page.get_by_role("table", name="The last auto-pairing attempts, newest first")
    expect(attempts.get_by_test_id("attempt-rule")).to_have_text(
        "unusable VIN: characters outside the VIN alphabet: 'O'"
    )
    expect(attempts).to_contain_text("removed: everything from the '*' terminator on (3 characters)")
    shot(page, "unit-invalid-data")


def test_the_events_page_filters_and_renders_both_versions(page: Page, server: Server) -> None:
    org = server.new_org("Feed Trailers", autoPairingEnabled=True)
    asset = org.asset(vin="WDB9634031L738192", name="Feed trailer")
    unit = new_unit_id()
    org.unit(unit)
    server.unit_messages({"unitId": unit, "vin": "1HGCM82633A000009", "location": LOCATION})
    assert org.call("POST", "/pairings", json={"unitId": unit, "assetId": asset["id"]}).is_success
    assert org.call("DELETE", f"/pairings/{unit}").is_success
    sign_in(page, org)

    page.get_by_role("link", name="Events", exact=True).click()
    events = page.locator("ol.events > li")
    expect(events).to_have_count(3)
    expect(events.first).to_contain_text('"eventType": "unit.unpaired"')
    expect(events.last).to_contain_text('"lat": 50.869')

    page.get_by_label("Payload version").select_option("2")
    page.get_by_role("button", name="Show").click()
    expect(events).to_have_count(2)
    expect(events.last).to_contain_text('"latitude": 50.869')
    shot(page, "events-v2-filtered")

    page.get_by_label("Reason").select_option("NotFound")
    page.get_by_role("button", name="Show").click()
    expect(events).to_have_count(1)
    expect(events.first).to_contain_text('"sensorVIN": "1HGCM82633A000009"')

    page.get_by_label("Payload version").select_option("1")
    page.get_by_label("Reason").select_option("")
    page.get_by_label("Event", exact=True).select_option("unit.unpaired")
    page.get_by_label("Unit id").fill(unit)
    page.get_by_role("button", name="Show").click()
    expect(events).to_have_count(1)
    expect(events.first).to_contain_text('"assetVIN": "WDB9634031L738192"')
