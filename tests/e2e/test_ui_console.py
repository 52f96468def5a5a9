"""The operator's console, second round, in Chromium at 1280 px and 390 px, with screenshots to look at.

An empty organization's first steps, the charts in a far time zone with the range selector, search by
a partial id, an unknown unit added from its notice, and a refused form brought into view.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import INGEST_TOKEN
from tests.e2e.conftest import DESKTOP, PHONE, Server, new_unit_id, shot, sign_in

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
SIZES = {"desktop": DESKTOP, "phone": PHONE}
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(params=list(SIZES))
def sized(request: pytest.FixtureRequest, browser: Browser, server: Server) -> Iterator[tuple[str, Page]]:
    """A fresh context at desktop and at phone width, in New York (behind UTC, with a named zone)."""
    context = browser.new_context(
        base_url=server.base_url, viewport=SIZES[request.param], timezone_id="America/New_York"
    )
    context.set_default_timeout(10_000)
    yield request.param, context.new_page()
    context.close()


def _look(page: Page, name: str, directory: Path) -> None:
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways"
    shot(page, name, directory)


def _until(condition: Any, what: str) -> Any:
    # Waits for the server's once-a-second flush; it asserts nothing about how fast.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_an_empty_organization_sees_its_first_steps_each_linked(
    sized: tuple[str, Page], server: Server, tmp_path: Path
) -> None:
    size, page = sized
    org = server.new_org("Empty Trailers")
    sign_in(page, org)

    steps = page.get_by_test_id("first-steps")
    expect(steps).to_be_visible()
    links = {
        "Create your assets": "/ui/assets#new-asset",
        "Turn on auto pairing": "/ui/settings",
        "Add your units": "/ui/units#new-unit",
        "Add a webhook subscription": "/ui/subscriptions#new-subscription",
    }
    for name, href in links.items():
        expect(steps.get_by_role("link", name=name)).to_have_attribute("href", href)
    expect(steps).to_contain_text("import-assets")
    expect(steps).to_contain_text("MQTT")
    # Pairing activity is charted even without a subscription; the footer links the API docs.
    expect(page.get_by_test_id("pairing-chart").locator("g.bucket")).to_have_count(24)
    expect(page.get_by_role("contentinfo").get_by_role("link", name="API documentation")).to_have_attribute(
        "href", "/docs"
    )
    _look(page, f"{size}-overview-empty", tmp_path)

    steps.get_by_role("link", name="Create your assets").click()
    expect(page).to_have_url(re.compile(r"/ui/assets#new-asset$"))
    expect(page.get_by_role("heading", name="Create an asset")).to_be_in_viewport()


def test_the_charts_read_in_the_viewers_zone_with_a_range_selector(
    sized: tuple[str, Page], server: Server, tmp_path: Path
) -> None:
    size, page = sized
    org = server.new_org("Chart Trailers", autoPairingEnabled=True)
    org.asset(vin="1HGCM82633A004352", name="Reefer 1")
    for number in range(3):
        unit_id = new_unit_id()
        org.unit(unit_id)
        vin = "1HGCM82633A004352" if number == 0 else f"YV2AS02A6CB12345{number}"
        server.unit_messages({"unitId": unit_id, "vin": vin})
    sign_in(page, org)

    expect(page.get_by_test_id("first-steps")).to_have_count(0)
    expect(page.locator("[data-zone]")).to_have_text(re.compile(r"^America/New_York \((EST|EDT|GMT-[45])\)$"))
    chart = page.get_by_test_id("pairing-chart")
    expect(chart.locator("text.time-label.current")).to_have_text("now")
    # Each bar's tooltip is written in New York time, never in UTC.
    titles = chart.locator("g.bucket title").all_text_contents()
    assert len(titles) == 24
    assert all(" UTC" not in title for title in titles), titles[0]
    assert re.search(r": 1 paired automatically, 2 VIN not found$", titles[-1]) or re.search(
        r": 1 paired automatically, 2 VIN not found$", titles[-2]
    ), titles[-2:]
    _look(page, f"{size}-overview-24h-new-york", tmp_path)

    page.get_by_test_id("range-selector").get_by_role("link", name="7 days").click()
    expect(page).to_have_url(re.compile(r"range=7d$"))
    expect(page.get_by_test_id("range-selector").get_by_role("link", name="7 days")).to_have_attribute(
        "aria-current", "true"
    )
    expect(chart.locator("g.bucket")).to_have_count(28)
    labels = chart.locator("text.time-label[data-at]")
    for label in labels.all_text_contents():
        assert re.fullmatch(r"\d\d:\d\d", label), label
    page.get_by_test_id("range-selector").get_by_role("link", name="30 days").click()
    expect(chart.locator("g.bucket")).to_have_count(30)
    for label in chart.locator("text.time-label[data-at]").all_text_contents():
        assert re.fullmatch(r"\d\d-\d\d", label), label
    _look(page, f"{size}-overview-30d-new-york", tmp_path)


def test_units_and_events_are_found_by_a_partial_id_in_any_case(
    sized: tuple[str, Page], server: Server, tmp_path: Path
) -> None:
    size, page = sized
    org = server.new_org("Search Trailers", autoPairingEnabled=True)
    wanted, other = new_unit_id(), new_unit_id("cb")
    for unit_id in (wanted, other):
        org.unit(unit_id)
    server.unit_messages({"unitId": wanted, "vin": "WDB9634031L738192"})
    part = wanted.upper()[:9]  # "TP:" and the first serial digits, in capitals
    sign_in(page, org)

    page.goto("/ui/units")
    page.get_by_label("Search by unit id").fill(part)
    page.get_by_role("button", name="Filter").click()
    rows = page.get_by_test_id("unit-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(wanted)
    expect(page.get_by_test_id("total")).to_contain_text(f"with “{part}” in the id")
    _look(page, f"{size}-units-search", tmp_path)

    page.goto("/ui/events")
    page.get_by_label("Unit id (any part)").fill(wanted[-6:].upper())
    page.get_by_role("button", name="Show").click()
    events = page.get_by_test_id("event")
    expect(events).to_have_count(1)
    expect(events.first.get_by_test_id("event-outcome")).to_have_text("VIN not found · pairing failed")
    _look(page, f"{size}-events-search", tmp_path)


def test_events_are_narrowed_to_an_asset_and_a_local_time_range(
    sized: tuple[str, Page], server: Server, tmp_path: Path
) -> None:
    size, page = sized
    org = server.new_org(f"Event Range Trailers {size}")
    reefer = org.asset(vin="1HGCM82633A004352", name="Reefer A")
    other = org.asset(vin="YV2AS02A6CB123456", name="Flatbed B")
    mine, theirs = new_unit_id(), new_unit_id()
    for unit_id, asset in ((mine, reefer), (theirs, other)):
        org.unit(unit_id)
        paired = org.call("POST", "/pairings", json={"unitId": unit_id, "assetId": asset["id"]})
        assert paired.status_code == 201, paired.text
    assert org.call("DELETE", f"/pairings/{mine}").status_code == 200
    feed = org.call("GET", "/events", params={"assetId": reefer["id"]}).json()["data"]
    assert [item["eventType"] for item in feed] == ["unit.paired", "unit.unpaired"]
    registered = datetime.fromisoformat(feed[0]["eventData"]["registeredOn"]).astimezone(NEW_YORK)
    sign_in(page, org)

    # From the asset's page to its events: the pairing and the unpairing of its unit, not the other's.
    page.goto(f"/ui/assets/{reefer['id']}")
    page.get_by_role("link", name="Events of this asset").click()
    events = page.get_by_test_id("event")
    expect(events).to_have_count(2)
    expect(events).to_contain_text([mine, mine])
    expect(page.get_by_test_id("events-asset")).to_contain_text("Reefer A")

    # By VIN as typed (any case, dashes), within two minutes around the pairing in New York time: a
    # range read as UTC would lie four or five hours away and find nothing.
    page.goto("/ui/events")
    page.get_by_label("Asset (VIN or id)").fill("1hgcm8-2633a004352")
    page.get_by_label("From (your local time)").fill(f"{registered - timedelta(minutes=1):%Y-%m-%dT%H:%M:%S}")
    page.get_by_label("To (your local time)").fill(f"{registered + timedelta(minutes=1):%Y-%m-%dT%H:%M:%S}")
    page.get_by_role("button", name="Show").click()
    expect(events).to_have_count(2)
    expect(page).to_have_url(re.compile(r"since_tz=(240|300)&until=.*until_tz=(240|300)"))
    _look(page, f"{size}-events-asset-and-range", tmp_path)
    # The filters stay in the form, and a range after the events finds none of them.
    expect(page.get_by_label("Asset (VIN or id)")).to_have_value("1hgcm8-2633a004352")
    page.get_by_label("From (your local time)").fill(f"{registered + timedelta(minutes=1):%Y-%m-%dT%H:%M:%S}")
    page.get_by_label("To (your local time)").fill(f"{registered + timedelta(minutes=2):%Y-%m-%dT%H:%M:%S}")
    page.get_by_role("button", name="Show").click()
    expect(events).to_have_count(0)
    expect(page.locator("ol.events")).to_contain_text("No events match these filters.")

    # An asset no VIN or id names is said so, in focus, and shows no events instead of all of them.
    page.goto("/ui/events?asset=no-such-trailer")
    error = page.get_by_test_id("events-error")
    expect(error).to_have_text("No asset has the VIN or id no-such-trailer.")
    expect(error).to_be_focused()
    expect(events).to_have_count(0)


def test_an_unknown_unit_is_added_from_its_notice(
    sized: tuple[str, Page], server: Server, tmp_path: Path
) -> None:
    size, page = sized
    org = server.new_org(f"Unknown Trailers {size}")
    stranger = new_unit_id("zz")
    answer = server.api.post(
        "/v1/unit-messages",
        json={"messages": [{"unitId": stranger}, {"unitId": stranger}]},
        headers={"Authorization": f"Bearer {INGEST_TOKEN}"},
    )
    assert [r["code"] for r in answer.json()["rejected"]] == ["unknown_unit", "unknown_unit"]
    _until(
        lambda: any(u["unitId"] == stranger for u in server.api.get("/v1/unknown-units").json()["data"]),
        "the unknown unit to be written",
    )
    sign_in(page, server)
    page.goto("/ui/organizations")
    page.get_by_role("button", name=f"Act on {org.name}").click()

    notice = page.get_by_test_id("unknown-notice")
    expect(notice).to_be_visible()
    _look(page, f"{size}-overview-unknown-notice", tmp_path)
    notice.get_by_role("link", name="Review the unknown units and add them").click()
    row = page.get_by_test_id("unknown-unit").filter(has_text=stranger)
    expect(row).to_contain_text("2")
    _look(page, f"{size}-unknown-units", tmp_path)
    expect(row.get_by_role("combobox")).to_have_value(org.id)
    row.get_by_role("button", name=f"Add {stranger}").click()

    expect(page.get_by_role("status")).to_have_text(
        f"Unit {stranger} added to {org.name}: its next message is taken."
    )
    expect(page.get_by_test_id("unknown-unit").filter(has_text=stranger)).to_have_count(0)
    assert org.call("GET", f"/units/{stranger}").status_code == 200
    taken = server.unit_messages({"unitId": stranger})
    assert taken["accepted"] == 1


def test_a_refused_form_brings_its_reason_into_view_and_focus(
    sized: tuple[str, Page], server: Server, tmp_path: Path
) -> None:
    size, page = sized
    org = server.new_org("Refused Trailers")
    sign_in(page, org)
    page.goto("/ui/subscriptions")
    # The form sits below the list; a link above the list leads to it.
    page.get_by_test_id("new-subscription-link").click()
    expect(page.get_by_role("heading", name="New subscription")).to_be_in_viewport()
    page.get_by_label("Webhook URL").fill("ftp://receiver.example.com/hook")
    page.get_by_role("button", name="Create subscription").click()

    error = page.locator("#form-error")
    expect(error).to_be_visible()
    expect(error).to_be_focused()
    expect(error).to_be_in_viewport()
    expect(page.get_by_label("Webhook URL")).to_have_value("ftp://receiver.example.com/hook")
    if size == "phone":  # the form is far below the top there: the page scrolled to the reason
        assert page.evaluate("() => window.scrollY") > 0
    _look(page, f"{size}-subscription-refused", tmp_path)


def test_an_asset_carrying_two_units_says_so(sized: tuple[str, Page], server: Server, tmp_path: Path) -> None:
    size, page = sized
    org = server.new_org("Two Unit Trailers", autoPairingEnabled=True)
    asset = org.asset(vin="WDB9634031L738192", name="Curtainsider 9")
    ebs, tracker = new_unit_id(), new_unit_id()
    for unit_id in (ebs, tracker):
        org.unit(unit_id)
    server.unit_messages({"unitId": ebs, "vin": "WDB9634031L738192"})
    server.unit_messages({"unitId": tracker, "vin": "31L738192"})  # the end of the same VIN
    sign_in(page, org)

    page.goto(f"/ui/assets/{asset['id']}")
    expect(page.get_by_test_id("several-units")).to_contain_text("This asset carries 2 units.")
    units = page.get_by_test_id("paired-unit")
    expect(units).to_have_count(2)
    expect(units.nth(0)).to_contain_text(ebs)
    expect(units.nth(0)).to_contain_text("reports this VIN")
    expect(units.nth(1)).to_contain_text(tracker)
    expect(units.nth(1)).to_contain_text("reports 31L738192 · unit 2 of 2")
    expect(page.get_by_test_id("check-digit")).to_have_text(
        "check digit: not used (VIN made outside North America)"
    )
    _look(page, f"{size}-asset-two-units", tmp_path)
