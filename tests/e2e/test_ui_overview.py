"""The overview page and the operator's first-hour fixes, in Chromium at 1280 px and 390 px."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import ADMIN_TOKEN
from tests.delivery_support import Receiver
from tests.e2e.conftest import DESKTOP, PHONE, Org, Server, new_unit_id, shot, sign_in
from tests.e2e.processes import start_serve, stop
from tests.mqtt_support import running_broker

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
SIZES = {"desktop": DESKTOP, "phone": PHONE}
KOLKATA = timedelta(hours=5, minutes=30)


@pytest.fixture(params=list(SIZES))
def sized(request: pytest.FixtureRequest, browser: Browser, server: Server) -> Iterator[tuple[str, Page]]:
    """A fresh context at desktop and at phone width, in a time zone far from UTC."""
    context = _context(browser, server, SIZES[request.param])
    yield request.param, context.new_page()
    context.close()


def _context(browser: Browser, server: Server, viewport: dict[str, int], **options: Any) -> BrowserContext:
    context = browser.new_context(
        base_url=server.base_url, viewport=viewport, timezone_id="Asia/Kolkata", **options
    )
    context.set_default_timeout(10_000)
    return context


def _look(page: Page, name: str, directory: Path) -> None:
    """The page fits the width (no sideways scrolling); a screenshot to look at."""
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways"
    shot(page, name, directory)


def _until(condition: Any, what: str) -> Any:
    # Waits for background delivery to happen; it asserts nothing about how fast.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _overview(org: Org) -> dict[str, Any]:
    response = org.call("GET", "/overview")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _fleet(server: Server, receiver: Receiver) -> tuple[Org, dict[str, str]]:
    """Units in several states and a subscription with delivered and refused batches."""
    org = server.new_org("Overview Trailers", autoPairingEnabled=True)
    reefer = org.asset(vin="1HGCM82633A000001", name="Reefer 12")
    org.asset(vin="WDB9634031L738192", name="Curtainsider 7")
    org.asset(vin="WDC9634031L738192", name="Curtainsider 8")
    created = org.call(
        "POST",
        "/subscriptions",
        json={
            "url": receiver.url(),
            "eventNames": ["unit.paired"],
            "maxWaitMs": 0,
            "description": "Fleet ERP",
        },
    )
    assert created.status_code == 201, created.text
    units = {name: new_unit_id() for name in ("paired", "not-found", "garbage", "several", "silent")}
    for unit_id in units.values():
        org.unit(unit_id)
    server.unit_messages({"unitId": units["paired"], "vin": "1HGCM82633A000001"})
    _until(lambda: _overview(org)["subscriptions"][0]["eventsDelivered"] == 1, "the first delivery")
    receiver.always("/hook", 400)  # refused: the next batch fails without retries
    server.unit_messages({"unitId": units["not-found"], "vin": "YV2AS02A6CB123456"})
    _until(lambda: _overview(org)["subscriptions"][0]["eventsRefused"] == 1, "the refused batch")
    receiver.always("/hook", 200)
    server.unit_messages(
        {"unitId": units["garbage"], "vin": "0000000000"},
        {"unitId": units["several"], "vin": "9634031L738192"},  # the end of both Curtainsiders' VINs
    )
    _until(lambda: _overview(org)["subscriptions"][0]["eventsDelivered"] == 3, "the last delivery")
    units["reefer"] = reefer["id"]
    return org, units


def test_the_overview_is_the_first_page_and_charts_one_bar_per_hour(
    sized: tuple[str, Page], server: Server, receiver: Receiver, tmp_path: Path
) -> None:
    size, page = sized
    org, units = _fleet(server, receiver)
    sign_in(page, org)

    expect(page).to_have_url(re.compile(r"/ui/overview$"))
    expect(page.get_by_test_id("units-total")).to_have_text("5")
    expect(page.get_by_test_id("units-paired")).to_have_text("1")
    expect(page.get_by_test_id("waiting-notFound")).to_have_text("1")
    expect(page.get_by_test_id("waiting-invalidData")).to_have_text("1")
    expect(page.get_by_test_id("waiting-multipleMatchFound")).to_have_text("1")
    health = page.get_by_test_id("subscription-health")
    expect(health).to_have_count(1)
    expect(health.get_by_test_id("range-refused")).to_have_text("1")
    expect(health.get_by_test_id("range-succeeded")).to_have_text("2")
    expect(health.get_by_test_id("range-delivered")).to_have_text("3")
    expect(health).not_to_contain_text("failed")
    expect(health.get_by_test_id("latency")).to_have_text(re.compile(r"^\d+ / \d+ ms$"))
    chart = health.get_by_test_id("delivery-chart-0")
    # One bar per hour of the last 24, each with its numbers as a tooltip in the viewer's zone.
    bars = chart.locator("g.bucket")
    expect(bars).to_have_count(24)
    bucket_title = (
        r"^\d{4}-\d\d-\d\d \d\d:30 to \d{4}-\d\d-\d\d \d\d:30 GMT\+5:30: \d+ events? delivered; "
        r"attempts: \d+ succeeded, \d+ retried, \d+ refused$"
    )
    for title in bars.locator("title").all_text_contents():
        assert re.fullmatch(bucket_title, title), title
    heights = [
        float(h or 0)
        for h in bars.locator("rect.succeeded").evaluate_all("rs => rs.map(r => r.getAttribute('height'))")
    ]
    assert len(heights) == 24
    assert heights[-1] > 0 or heights[-2] > 0  # the deliveries just made (this hour, or the last one)
    expect(chart.locator("desc")).to_have_text(
        "Delivery attempts: 2 attempts succeeded, 0 retried, 1 refused; the busiest bar holds 3 attempts."
    )
    expect(chart.locator("text.time-label.current")).to_have_text("now")
    # The zone is named (ICU may call Kolkata by its older name).
    expect(page.locator("[data-zone]")).to_have_text(re.compile(r"^Asia/(Kolkata|Calcutta) \(GMT\+5:30\)$"))
    _look(page, f"{size}-overview", tmp_path)

    # Each waiting outcome links to the units waiting in it.
    page.get_by_test_id("waiting-notFound").click()
    expect(page).to_have_url(re.compile(r"/ui/units\?show=notFound$"))
    expect(page.get_by_test_id("unit-row")).to_have_count(1)
    expect(page.get_by_test_id("unit-row")).to_contain_text(units["not-found"])
    expect(page.get_by_test_id("total")).to_have_text("1 unit of 5")


def test_units_list_names_assets_labels_states_sorts_and_counts(
    sized: tuple[str, Page], server: Server, receiver: Receiver, tmp_path: Path
) -> None:
    size, page = sized
    org, units = _fleet(server, receiver)
    sign_in(page, org)
    page.goto("/ui/units")

    rows = page.get_by_test_id("unit-row")
    expect(page.get_by_test_id("total")).to_have_text("5 units")
    expect(rows).to_have_count(5)
    paired = rows.filter(has_text=units["paired"])
    expect(paired.get_by_test_id("unit-asset")).to_have_text("Reefer 12")
    expect(page.get_by_text("paired", exact=True)).to_have_count(0)
    badge = rows.filter(has_text=units["not-found"]).locator(".badge")
    expect(badge).to_have_text("VIN not found")
    expect(badge).to_have_attribute("title", re.compile("^No asset's VIN matches the reported VIN"))
    expect(
        page.locator(".badge", has_text=re.compile("notFound|invalidData|multipleMatchFound"))
    ).to_have_count(0)

    page.get_by_label("Sort by").select_option("lastSeen")
    page.get_by_role("button", name="Filter").click()
    # Newest report first (the last two reported together); the unit that never reported comes last.
    expect(page).to_have_url(re.compile(r"sort=lastSeen"))
    ids = [row.locator("td").first.inner_text().strip() for row in rows.all()]
    assert set(ids[:2]) == {units["garbage"], units["several"]}
    assert ids[2:] == [units["not-found"], units["paired"], units["silent"]]
    _look(page, f"{size}-units-sorted", tmp_path)

    page.get_by_label("Show").select_option("invalidData")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("total")).to_have_text("1 unit of 5")


def test_times_show_in_local_time_with_utc_on_hover(
    sized: tuple[str, Page], server: Server, tmp_path: Path
) -> None:
    size, page = sized
    org = server.new_org("Clock Trailers")
    asset = org.asset(vin="1HGCM82633A000001", name="Local time trailer")
    sign_in(page, org)
    page.goto(f"/ui/assets/{asset['id']}")

    created = page.locator("dt:text-is('Created') + dd time")
    utc = datetime.fromisoformat(created.get_attribute("datetime") or "")
    expect(created).to_have_attribute("title", f"{utc:%Y-%m-%d %H:%M:%S} UTC")
    expect(created).to_have_text(f"{utc + KOLKATA:%Y-%m-%d %H:%M:%S} GMT+5:30")
    _look(page, f"{size}-asset-local-time", tmp_path)


def test_an_invalid_vin_edit_keeps_what_was_typed(
    sized: tuple[str, Page], server: Server, tmp_path: Path
) -> None:
    size, page = sized
    org = server.new_org("Typo Trailers")
    asset = org.asset(vin="1HGCM82633A000001", name="Typo trailer")
    sign_in(page, org)
    page.goto(f"/ui/assets/{asset['id']}")

    page.get_by_label("VIN", exact=True).fill("1HGCM82633A00000I")
    page.get_by_label("Name", exact=True).fill("Typo trailer, renamed")
    page.get_by_role("button", name="Save asset").click()

    expect(page.get_by_role("alert")).to_contain_text("An asset VIN must have 17 characters")
    expect(page.get_by_label("VIN", exact=True)).to_have_value("1HGCM82633A00000I")
    expect(page.get_by_label("VIN", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Typo trailer, renamed")
    expect(page.get_by_test_id("asset-vin")).to_have_text("1HGCM82633A000001")
    _look(page, f"{size}-asset-kept-input", tmp_path)


def test_the_not_found_countdown_counts_down(sized: tuple[str, Page], server: Server, tmp_path: Path) -> None:
    size, page = sized
    org = server.new_org("Countdown Trailers", autoPairingEnabled=True)
    unit = new_unit_id()
    org.unit(unit)
    server.unit_messages({"unitId": unit, "vin": "YV2AS02A6CB123456"})
    sign_in(page, org)
    page.goto(f"/ui/units/{unit}")

    countdown = page.get_by_test_id("next-reminder").locator("[data-countdown-to]")
    expect(countdown).to_have_text(re.compile(r"^in \d+ min \d+ s$"))
    first = countdown.inner_text()
    expect(countdown).not_to_have_text(first)
    expect(page.get_by_test_id("ap-state")).to_have_text("VIN not found")
    _look(page, f"{size}-unit-countdown", tmp_path)


def test_events_are_cards_with_a_time_and_the_payload_folded(
    sized: tuple[str, Page], server: Server, tmp_path: Path
) -> None:
    size, page = sized
    org = server.new_org("Card Trailers")
    asset = org.asset(vin="1HGCM82633A000001", name="Card trailer")
    for _ in range(12):
        unit = new_unit_id()
        org.unit(unit)
        assert org.call("POST", "/pairings", json={"unitId": unit, "assetId": asset["id"]}).is_success
    sign_in(page, org)
    page.goto("/ui/events")

    cards = page.get_by_test_id("event")
    expect(cards).to_have_count(12)
    first = cards.first
    expect(first.locator(".event-head time")).to_have_text(re.compile(r"GMT\+5:30$"))
    expect(first.locator("pre")).to_be_hidden()
    height = page.evaluate("document.documentElement.scrollHeight")
    first.get_by_text("The payload as webhooks of version 1 carry it").click()
    expect(first.locator("pre")).to_be_visible()
    expect(first.locator("pre")).to_contain_text('"reason": "ManualPair"')
    # Twelve folded cards take less room than one open payload per event used to.
    assert height < 12 * 400
    _look(page, f"{size}-events-cards", tmp_path)


def test_pairings_as_of_a_local_time(sized: tuple[str, Page], server: Server, tmp_path: Path) -> None:
    size, page = sized
    org = server.new_org("As Of Trailers")
    asset = org.asset(vin="1HGCM82633A000001", name="History trailer")
    unit = new_unit_id()
    org.unit(unit)
    paired = org.call("POST", "/pairings", json={"unitId": unit, "assetId": asset["id"]})
    assert paired.status_code == 201, paired.text
    paired_at = datetime.fromisoformat(paired.json()["pairedAt"])
    sign_in(page, org)

    for path in ("/ui/units", "/ui/assets"):
        page.goto(path)
        picker = page.get_by_label("Date and time (your local time)")
        # Kolkata wall-clock times: 2 minutes before the pairing, then 2 minutes after it.
        picker.fill(f"{paired_at + KOLKATA - timedelta(minutes=2):%Y-%m-%dT%H:%M:%S}")
        page.get_by_role("button", name="Show pairings").click()
        expect(page.get_by_test_id("as-of-table")).to_contain_text("No unit was paired at that time.")
        picker = page.get_by_label("Date and time (your local time)")
        picker.fill(f"{paired_at + KOLKATA + timedelta(minutes=2):%Y-%m-%dT%H:%M:%S}")
        page.get_by_role("button", name="Show pairings").click()
        table = page.get_by_test_id("as-of-table")
        expect(table).to_contain_text(unit)
        expect(table.get_by_role("link", name="History trailer")).to_be_visible()
        expect(table).to_contain_text("still paired")
    _look(page, f"{size}-assets-as-of", tmp_path)

    page.goto("/ui/units?as_of=yesterday")
    expect(page.get_by_test_id("as-of-error")).to_contain_text("Pick a date and a time")


def test_assets_list_sorts_and_counts(sized: tuple[str, Page], server: Server, tmp_path: Path) -> None:
    size, page = sized
    org = server.new_org("Sorted Trailers")
    for name, vin in (("bravo", "WDB9634031L738192"), ("Alpha", None), (None, "1HGCM82633A000001")):
        org.asset(vin=vin, name=name)
    sign_in(page, org)
    page.goto("/ui/assets")

    names = page.get_by_test_id("asset-row").locator("td:first-child a")
    expect(page.get_by_test_id("total")).to_have_text("3 assets")
    expect(names).to_have_text(["Alpha", "bravo", "(no name)"])
    page.get_by_label("Sort by").select_option("vin")
    expect(names).to_have_text(["(no name)", "bravo", "Alpha"])
    expect(page).to_have_url(re.compile(r"sort=vin"))
    page.get_by_label("Search by VIN or name").fill("l")  # Alpha by its name, bravo by its VIN
    expect(page.get_by_test_id("total")).to_have_text("2 assets match these filters")
    _look(page, f"{size}-assets-sorted", tmp_path)


def test_scripts_are_static_files_under_a_self_only_policy(
    browser: Browser, server: Server, receiver: Receiver
) -> None:
    org = server.new_org("Policy Trailers")
    context = _context(browser, server, DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        answer = page.goto("/ui/sign-in")
        assert answer is not None
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        sign_in(page, org)
        page.goto("/ui/subscriptions")
        assert page.locator("[onclick], [onsubmit], [onchange], script:not([src])").count() == 0
        page.get_by_label("Webhook URL").fill(receiver.url())
        page.get_by_role("button", name="Create subscription").click()
        secret = page.get_by_label("Signing secret").input_value()
        page.get_by_role("button", name="Copy").click()
        expect(page.get_by_role("button", name="Copied")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == secret
    finally:
        context.close()


def test_without_script_a_v2_refusal_reads_without_backticks(browser: Browser, server: Server) -> None:
    org = server.new_org("No Script Trailers")
    context = _context(browser, server, DESKTOP, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, org)
        page.goto("/ui/subscriptions")
        page.get_by_label("Webhook URL").fill("http://127.0.0.1:9/hook")
        page.get_by_label("Event version").select_option("2")
        page.get_by_role("button", name="Create subscription").click()
        alert = page.get_by_role("alert")
        # Without script the form is posted as chosen; the service's refusal is set as prose.
        expect(alert).to_have_text("eventVersion 2 offers unit.paired; unit.unpaired is not one of them.")
        expect(alert.locator("code")).to_have_text("unit.unpaired")
    finally:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_overview_shows_the_mqtt_broker_state(browser: Browser, size: str, tmp_path: Path) -> None:
    with running_broker(tmp_path) as broker:
        env = {
            "PAIRHUB_DATABASE_URL": f"sqlite:///{tmp_path / 'pairhub.db'}",
            "PAIRHUB_ADMIN_TOKEN": ADMIN_TOKEN,
            "PAIRHUB_MQTT_URL": broker.url,
            "PAIRHUB_MQTT_CLIENT_ID": f"pairhub-overview-{size}",
        }
        serve, base_url = start_serve(tmp_path, env)
        try:
            admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
            with httpx.Client(base_url=base_url, headers=admin, timeout=10) as api:
                org = Server(base_url, api).new_org("MQTT Trailers")
                org.person()
            context = browser.new_context(base_url=base_url, viewport=SIZES[size], timezone_id="Asia/Kolkata")
            page = context.new_page()
            sign_in(page, org)
            badge = page.get_by_test_id("mqtt-card").locator(".badge")
            # The subscriber connects in the background; the page says so once it has.
            _until(lambda: page.goto("/ui/") and badge.inner_text() == "connected", "the MQTT connection")
            _look(page, f"{size}-overview-mqtt", tmp_path)
            context.close()
        finally:
            stop(serve)
