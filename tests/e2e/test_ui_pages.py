"""Every page at desktop and phone width: it renders, fits the screen, labels its controls; screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.delivery_support import Receiver
from tests.e2e.conftest import DESKTOP, PHONE, Org, Server, new_unit_id, shot, sign_in

UNLABELLED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden')
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
  .map(e => e.outerHTML)"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# Options whose text is wider than their drop-down (the arrow and the padding take about 40 px).
CUT_OPTIONS = """() => {
  const pen = document.createElement('canvas').getContext('2d');
  return [...document.querySelectorAll('select')].flatMap(select => {
    pen.font = getComputedStyle(select).font;
    return [...select.options].filter(o => pen.measureText(o.text).width + 40 > select.clientWidth)
      .map(o => `${select.id}: ${o.text}`);
  });
}"""


def _populated(server: Server, receiver_url: str) -> tuple[Org, dict[str, str]]:
    org = server.new_org("Gallery Trailers")
    paired = org.asset(vin="1HGCM82633A000001", name="Reefer 12")
    org.asset(vin="WDB9634031L738192", name="Curtainsider 7")
    org.asset(name="Trailer without VIN")
    paired_unit, free_unit = new_unit_id("tp"), new_unit_id("krone")
    org.unit(paired_unit)
    org.unit(free_unit)
    subscription = org.call(
        "POST",
        "/subscriptions",
        json={"url": receiver_url, "eventVersion": 1, "eventNames": ["unit.paired", "unit.unpaired"]},
    )
    assert subscription.status_code == 201, subscription.text
    feed = org.call("POST", "/feeds", json={"eventVersion": 1, "eventNames": ["unit.paired"]})
    assert feed.status_code == 201, feed.text
    # Paired after the subscription exists, so the pairing is delivered and shows in its log.
    assert org.call("POST", "/pairings", json={"unitId": paired_unit, "assetId": paired["id"]}).is_success
    pages = {
        "overview": "/ui/overview",
        "assets": "/ui/assets",
        "asset": f"/ui/assets/{paired['id']}",
        "units": "/ui/units",
        "units-sorted": "/ui/units?sort=lastSeen",
        "pairings-as-of": "/ui/assets?as_of=2099-01-01T12:00&tz_offset=0#as-of",
        "unit": f"/ui/units/{paired_unit}",
        "unit-unpaired": f"/ui/units/{free_unit}",
        "events": "/ui/events",
        "events-v2": "/ui/events?version=2",
        "settings": "/ui/settings",
        "not-found": "/ui/assets/00000000-0000-0000-0000-000000000000",
        "subscriptions": "/ui/subscriptions",
        "subscription": f"/ui/subscriptions/{subscription.json()['id']}",
        "feeds": "/ui/feeds",
    }
    return org, pages


def _check(page: Page, name: str) -> None:
    assert page.evaluate(UNLABELLED_CONTROLS) == [], f"unlabelled form controls on {name}"
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways"
    assert page.evaluate(CUT_OPTIONS) == [], f"drop-down text cut on {name}"
    shot(page, name)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_page_fits_and_labels_its_controls(
    browser: Browser, server: Server, receiver: Receiver, size: str
) -> None:
    org, pages = _populated(server, receiver.url())
    context = browser.new_context(base_url=server.base_url, viewport=DESKTOP if size == "desktop" else PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda note: refused.append(note.text) if "Content Security" in note.text else None)
    try:
        page.goto("/ui/sign-in")
        _check(page, f"{size}-sign-in")
        sign_in(page, org)
        expect(page.get_by_role("heading", name="Overview")).to_be_visible()
        for name, path in pages.items():
            page.goto(path)
            expect(page.locator("main h1")).to_be_visible()
            _check(page, f"{size}-{name}")
        # The delivery log of the pairing made above, and that batch's own page.
        page.goto(pages["subscription"])
        expect(page.get_by_test_id("batch-row")).to_have_count(1)
        expect(page.get_by_test_id("batch-row")).to_contain_text("succeeded")
        _check(page, f"{size}-subscription-log")
        page.get_by_test_id("batch-row").get_by_role("link").click()
        expect(page.get_by_role("heading", name=re.compile("^Batch "))).to_be_visible()
        _check(page, f"{size}-batch")
        page.goto(pages["subscription"])
        page.get_by_role("button", name="Rotate secret…").click()
        _check(page, f"{size}-confirm-rotate")
        page.get_by_role("button", name="Yes, rotate the secret").click()
        expect(page.get_by_label("Signing secret")).to_be_visible()
        _check(page, f"{size}-secret")
        # The confirmation pages of pairing and unpairing.
        page.goto(pages["unit-unpaired"])
        page.get_by_label("Asset VIN or asset id").fill("WDB9634031L738192")
        page.get_by_role("button", name="Pair with asset…").click()
        expect(page.get_by_role("button", name="Yes, pair")).to_be_visible()
        _check(page, f"{size}-confirm-pair")
        page.goto(pages["unit"])
        page.get_by_role("button", name="Unpair…").click()
        expect(page.get_by_role("button", name="Yes, unpair")).to_be_visible()
        _check(page, f"{size}-confirm-unpair")

        page.get_by_role("button", name="Sign out").click()
        sign_in(page, server)
        expect(page.get_by_role("heading", name="Organizations")).to_be_visible()
        _check(page, f"{size}-admin-organizations")
        page.get_by_role("button", name="Act on Gallery Trailers").first.click()
        page.get_by_role("link", name="API keys", exact=True).click()
        _check(page, f"{size}-api-keys")
        page.get_by_label("Name").fill("gateway")
        page.get_by_role("button", name="Create API key").click()
        expect(page.get_by_label("New API key")).to_have_value(re.compile(r"^phk_"))
        _check(page, f"{size}-admin-new-key")
        page.get_by_role("link", name="People", exact=True).click()
        _check(page, f"{size}-members")
        page.get_by_test_id("signed-in-as").click()
        _check(page, f"{size}-account")
        # Every script and style came from this server: the self-only policy refused nothing.
        assert refused == []
    finally:
        context.close()


def test_keyboard_users_can_skip_to_the_content(page: Page, server: Server) -> None:
    org = server.new_org("Keyboard Trailers")
    sign_in(page, org)
    page.goto("/ui/assets")
    expect(page.get_by_role("heading", name="Assets")).to_be_visible()

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    # The next stop is the content's first field (the create form sits above the list), not the menu.
    expect(page.get_by_label("VIN (17 characters, optional)")).to_be_focused()
