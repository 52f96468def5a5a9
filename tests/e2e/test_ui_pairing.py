"""Assets, units, manual pairing and unpairing, and the auto pairing switch, through the browser."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Org, Server, new_unit_id, shot, sign_in

VIN = "1HGCM82633A000001"


def test_create_an_asset_and_a_unit_then_pair_and_unpair(page: Page, server: Server) -> None:
    org = server.new_org("Pairing Trailers")
    unit = new_unit_id()
    sign_in(page, org)
    page.get_by_role("link", name="Assets", exact=True).click()

    page.get_by_label("VIN (17 characters, optional)").fill("1hgcm8-2633a000001")
    page.get_by_label("Name (optional)").fill("Reefer 12")
    page.get_by_role("button", name="Create asset").click()
    expect(page.get_by_role("heading", name="Reefer 12")).to_be_visible()
    expect(page.get_by_test_id("asset-vin")).to_have_text(VIN)
    asset_url = page.url

    page.get_by_role("link", name="Units", exact=True).click()
    page.get_by_label("Unit id (type:serial)").fill(unit)
    page.get_by_role("button", name="Provision unit").click()
    expect(page.get_by_role("heading", name=f"Unit {unit}")).to_be_visible()
    expect(page.get_by_test_id("pairing-state")).to_have_text("Not paired.")

    # Pair from the unit page, by VIN, through the confirmation page.
    page.get_by_label("Asset VIN or asset id").fill(VIN)
    page.get_by_role("button", name="Pair with asset…").click()
    expect(page.get_by_text(f"Pair unit {unit} with Reefer 12 (VIN 1HGCM82633A000001)?")).to_be_visible()
    shot(page, "pair-confirm")
    page.get_by_role("button", name="Yes, pair").click()
    expect(page.get_by_role("status")).to_have_text(f"Unit {unit} is paired with Reefer 12.")
    expect(page.get_by_test_id("pairing-state")).to_contain_text("Paired with Reefer 12")
    shot(page, "unit-paired")

    # Unpair from the asset page.
    page.goto(asset_url)
    page.get_by_role("button", name=f"Unpair {unit}").click()
    page.get_by_role("button", name="Yes, unpair").click()
    expect(page).to_have_url(asset_url)
    expect(page.get_by_role("status")).to_have_text(f"Unit {unit} is unpaired.")
    expect(page.get_by_text("No unit is paired with this asset.")).to_be_visible()

    # Pair again from the asset page, then see both pairings in the unit's history.
    page.get_by_label("Unit id").fill(unit)
    page.get_by_role("button", name="Pair unit…").click()
    page.get_by_role("button", name="Yes, pair").click()
    expect(page.get_by_role("link", name=unit)).to_be_visible()
    page.get_by_role("link", name=unit).click()
    history = page.get_by_role("table", name="Pairing history, newest first")
    expect(history.get_by_role("row")).to_have_count(3)
    expect(history).to_contain_text("by hand in the console")
    reasons = [item["eventData"].get("reason", "unpaired") for item in _feed(org)]
    assert reasons == ["ManualPair", "unpaired", "ManualPair"]


def _feed(org: Org) -> list[dict[str, Any]]:
    response = org.call("GET", "/events", params={"eventVersion": 1})
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_conflicts_and_invalid_input_are_explained_in_words(page: Page, server: Server) -> None:
    org = server.new_org("Conflict Trailers")
    unit = new_unit_id()
    first = org.asset(vin=VIN, name="First trailer")
    org.asset(vin="WDB9634031L738192", name="Second trailer")
    org.unit(unit)
    assert org.call("POST", "/pairings", json={"unitId": unit, "assetId": first["id"]}).is_success
    sign_in(page, org)

    page.goto("/ui/assets?q=Second")
    page.get_by_role("link", name="Second trailer").click()
    page.get_by_label("Unit id").fill(unit)
    # The form's answer is a new document: without waiting for it, the check below that no "Yes, pair"
    # is offered would pass on the asset page the click is leaving.
    with page.expect_navigation():
        page.get_by_role("button", name="Pair unit…").click()
    # The conflict is said at once, not after a "Pair…?" that could only be refused.
    expect(page.get_by_role("heading", name="Pair a unit", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Yes, pair")).to_have_count(0)
    expect(page.get_by_test_id("action-error")).to_contain_text(
        f"Unit {unit} is paired with another asset; unpair it first."
    )
    expect(page.get_by_role("link", name="See the asset it is paired with")).to_be_visible()
    shot(page, "pair-conflict")
    # The status is not shown (the unit's random id may hold the digits 409: it is left out).
    assert "409" not in page.get_by_test_id("action-error").inner_text().replace(unit, "")

    # An asset with a paired unit offers no delete button, only the reason; one without offers it.
    page.goto(f"/ui/assets/{first['id']}")
    expect(page.get_by_test_id("delete-refused")).to_have_text(
        "An asset with paired units cannot be deleted: unpair its unit first."
    )
    expect(page.get_by_role("button", name="Delete asset…")).to_have_count(0)
    page.goto("/ui/assets?q=Second")
    with page.expect_navigation():
        page.get_by_role("link", name="Second trailer").click()
    expect(page.get_by_role("heading", name="Second trailer")).to_be_visible()
    expect(page.get_by_test_id("delete-refused")).to_have_count(0)
    expect(page.get_by_role("button", name="Delete asset…")).to_be_visible()

    page.goto("/ui/assets")
    page.get_by_label("VIN (17 characters, optional)").fill(VIN)
    # Each refusal is a new document whose scripts give the reason the focus once it has loaded; the
    # next fill waits for that load, so that it types into the field and not before the page is ready.
    with page.expect_navigation():
        page.get_by_role("button", name="Create asset").click()
    expect(page.get_by_role("alert")).to_have_text(f"Another asset of this organization has VIN {VIN}.")
    expect(page.get_by_role("alert")).to_be_focused()
    page.get_by_label("VIN (17 characters, optional)").fill("1HGCM82633A00000I")
    expect(page.get_by_label("VIN (17 characters, optional)")).to_have_value("1HGCM82633A00000I")
    with page.expect_navigation():
        page.get_by_role("button", name="Create asset").click()
    expect(page.get_by_role("alert")).to_contain_text("An asset VIN must have 17 characters")


def test_search_and_filter_assets_with_keyset_pages(page: Page, server: Server) -> None:
    org = server.new_org("Search Trailers")
    for number in range(55):
        org.asset(vin=f"WDB96340{number:09d}", name=f"Trailer {number:02d}")
    unit = new_unit_id()
    org.unit(unit)
    paired = org.asset(vin="YV2AS02A6CB123456", name="Volvo tractor")
    assert org.call("POST", "/pairings", json={"unitId": unit, "assetId": paired["id"]}).is_success
    sign_in(page, org)
    page.goto("/ui/assets")

    rows = page.get_by_role("table", name="Assets").locator("tbody tr")
    expect(rows).to_have_count(50)
    page.get_by_role("link", name="Next page").click()
    expect(rows).to_have_count(6)
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)

    page.goto("/ui/assets")
    page.get_by_label("Search by VIN or name").fill("YV2AS")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=YV2AS"))
    expect(page.get_by_role("link", name="Volvo tractor")).to_be_visible()
    page.get_by_label("Search by VIN or name").fill("")
    page.get_by_label("Pairing").select_option("yes")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(unit)
    shot(page, "assets-filtered")


def test_switch_auto_pairing_on_and_off(page: Page, server: Server) -> None:
    org = server.new_org("Switch Trailers")
    sign_in(page, org)
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_test_id("auto-pairing-state")).to_have_text("off")
    expect(page.get_by_test_id("datahub-state")).to_have_text("active")
    expect(page.get_by_text("Only an administrator can change it.")).to_be_visible()

    page.get_by_role("button", name="Turn auto pairing on").click()
    expect(page.get_by_role("status")).to_have_text("Auto pairing is now on.")
    expect(page.get_by_test_id("auto-pairing-state")).to_have_text("on")
    assert org.call("GET", "").json()["autoPairingEnabled"] is True
    shot(page, "settings")

    page.get_by_role("button", name="Turn auto pairing off").click()
    expect(page.get_by_test_id("auto-pairing-state")).to_have_text("off")
    assert org.call("GET", "").json()["autoPairingEnabled"] is False
