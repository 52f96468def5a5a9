"""The demo as an operator first meets it, in Chromium at 1280 px and 390 px, in Tokyo, with screenshots.

One `pairhub serve --demo` serves both widths: its scripted outcomes take a few seconds to play, and
the pages only read what they left behind.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import DESKTOP, PHONE, shot, sign_in_with
from tests.e2e.demo_support import DemoServer, everything_arrived, wait_for_every_outcome

# What scrolls sideways: the page itself, or a table inside it (a phone stacks tables into cards instead).
SIDEWAYS = """() => [document.documentElement, ...document.querySelectorAll(".table-wrap")]
  .filter(box => box.scrollWidth > (box === document.documentElement ? window.innerWidth : box.clientWidth))
  .map(box => box === document.documentElement ? "the page" : box.innerText.slice(0, 80))"""
SIZES = {"desktop": DESKTOP, "phone": PHONE}
TOKYO = ZoneInfo("Asia/Tokyo")
# Internal identifiers an operator must never read: reasons, rules, states, API field names.
RAW_WORDS = re.compile(
    r"\b(AutoPair|ManualPair|ManualUnpair|NotFound|InvalidData|MultipleMatchFound|active|"
    r"eventsFailed|eventsDelivered|events_failed|attemptsRetried|notFound|invalidData|"
    r"multipleMatchFound|P1|P2|v1)\b"
)
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory, _chromium: Path) -> Iterator[DemoServer]:
    """One demo server for the module, returned once every scripted outcome reached its receiver."""
    server = DemoServer(tmp_path_factory.mktemp("demo"))
    try:
        events = wait_for_every_outcome(server)
        assert everything_arrived(events), server.output()
        yield server
    finally:
        server.stop()


@pytest.fixture(params=list(SIZES))
def sized(
    request: pytest.FixtureRequest, browser: Browser, demo_server: DemoServer
) -> Iterator[tuple[str, Page]]:
    """A fresh context at desktop and at phone width, in Tokyo (UTC+9 all year)."""
    context = browser.new_context(
        base_url=demo_server.base_url, viewport=SIZES[request.param], timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(10_000)
    yield request.param, context.new_page()
    context.close()


def _look(page: Page, name: str, directory: Path) -> None:
    """The page and its tables fit the width (no sideways scrolling); a screenshot to look at."""
    assert page.evaluate(SIDEWAYS) == [], f"{name} scrolls sideways"
    shot(page, name, directory)


def _heights(chart: Locator, bars: str) -> list[float]:
    """The drawn heights of a chart's bars of one kind (CSS selector), bucket by bucket."""
    found: list[str | None] = chart.locator(bars).evaluate_all("rs => rs.map(r => r.getAttribute('height'))")
    return [float(height or 0) for height in found]


def _open_filled_overview(page: Page) -> None:
    """Open the overview until its delivery chart shows the demo's deliveries (recorded just after them)."""
    # Polling with a deadline: an attempt is counted once the receiver has answered it, a moment later.
    deadline = time.monotonic() + 20
    while True:
        page.goto("/ui/overview")
        delivery = page.get_by_test_id("delivery-chart-0")
        if delivery.count() and sum(_heights(delivery, "rect.succeeded")) > 0:
            return
        assert time.monotonic() < deadline, "the overview never charted a delivery"
        time.sleep(0.2)


def test_the_demo_overview_charts_its_outcomes_in_words(
    sized: tuple[str, Page], demo_server: DemoServer, tmp_path: Path
) -> None:
    size, page = sized
    sign_in_with(page, *demo_server.demo_person())
    expect(page).to_have_url(re.compile(r"/ui/overview$"))
    _open_filled_overview(page)

    # Both charts drawn and filled: pairing outcomes by kind, delivery attempts that succeeded.
    pairing = page.get_by_test_id("pairing-chart")
    expect(pairing.locator("g.bucket")).to_have_count(24)
    drawn = {
        outcome: sum(_heights(pairing, f"rect.outcome-{outcome}"))
        for outcome in pairing.locator("rect[class^='outcome-']").evaluate_all(
            "rs => [...new Set(rs.map(r => r.getAttribute('class').slice('outcome-'.length)))]"
        )
    }
    assert sum(1 for height in drawn.values() if height > 0) >= 3, drawn  # several outcomes, not one
    health = page.get_by_test_id("subscription-health")
    expect(health).to_have_count(1)
    expect(health.get_by_test_id("delivery-chart-0").locator("g.bucket")).to_have_count(24)
    assert int(health.get_by_test_id("range-delivered").inner_text()) > 0
    assert int(health.get_by_test_id("range-succeeded").inner_text()) > 0
    expect(page.locator("[data-zone]")).to_have_text(re.compile(r"^Asia/Tokyo \(GMT\+9\)$"))

    # The counters and every other word in the one vocabulary: no internal identifier, no UTC time.
    text = page.locator("body").inner_text()
    assert not RAW_WORDS.findall(text), RAW_WORDS.findall(text)
    assert "failed" not in health.inner_text(), health.inner_text()
    assert not ISO_UTC.search(text) and " UTC" not in text, text
    _look(page, f"{size}-demo-overview", tmp_path)


# Read in one go, once times.js has written every time in the viewer's zone.
READ_BATCHES = (
    """() => {
  const times = [...document.querySelectorAll("main time[data-local]")];
  if (document.readyState !== "complete" || !times.length) return null;
  if (times.some(t => t.textContent.endsWith(" UTC"))) return null;
  return {
    times: times.map(t => [t.getAttribute("datetime"), t.textContent, t.getAttribute("title")]),
    text: document.querySelector("main").innerText,
    sideways: ("""
    + SIDEWAYS
    + """)(),
  };
}"""
)


def _read_batches(page: Page) -> dict[str, Any]:
    """The batches page's times, text and sideways overflow, read between two of its own refreshes."""
    # The page reloads itself every 3 s: a read that a reload interrupts is made again, up to a deadline.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            read: dict[str, Any] | None = page.evaluate(READ_BATCHES)
        except PlaywrightError:
            read = None
        if read:
            return read
        time.sleep(0.1)
    raise AssertionError("the batches page never showed its times in local time")


def test_the_demo_receiver_shows_its_times_in_the_viewers_zone(
    sized: tuple[str, Page], demo_server: DemoServer, tmp_path: Path
) -> None:
    size, page = sized
    page.goto("/demo/batches")
    read = _read_batches(page)
    # Each time reads in Tokyo (the instant it carries, nine hours ahead of UTC), UTC kept on hover.
    assert len(read["times"]) >= 3, read["times"]
    for instant, text, title in read["times"]:
        moment = datetime.fromisoformat(instant)
        assert text == f"{moment.astimezone(TOKYO):%Y-%m-%d %H:%M:%S} GMT+9", (instant, text)
        assert title == f"{moment:%Y-%m-%d %H:%M:%S} UTC", (instant, title)
    text = read["text"]
    assert not ISO_UTC.search(text) and " UTC" not in text, text
    assert "several matching assets" in text
    assert not RAW_WORDS.findall(text), RAW_WORDS.findall(text)
    assert read["sideways"] == [], f"{size}: the batches page scrolls sideways: {read['sideways']}"
    shot(page, f"{size}-demo-receiver", tmp_path)
