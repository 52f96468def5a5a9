"""The portal's feeds page in Chromium: create a feed, poll it, pause and resume it, delete it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Org, Server, new_unit_id, shot, sign_in


def _pair(org: Org) -> str:
    asset = org.asset(vin="1HGCM82633A000001", name="Reefer 12")
    unit = new_unit_id()
    org.unit(unit)
    response = org.call("POST", "/pairings", json={"unitId": unit, "assetId": asset["id"]})
    assert response.status_code == 201, response.text
    return unit


def _poll(org: Org, feed_id: str) -> tuple[int, dict[str, object]]:
    response = org.server.api.get(f"/v1/feed/{feed_id}", headers={"Authorization": f"Bearer {org.key}"})
    return response.status_code, response.json()


def test_create_poll_pause_resume_and_delete_a_feed(page: Page, server: Server) -> None:
    org = server.new_org("Feed Trailers")
    unit = _pair(org)
    sign_in(page, org)

    page.get_by_role("link", name="Feeds").click()
    expect(page.get_by_role("cell", name="No feeds yet.")).to_be_visible()
    page.get_by_label("Event version").select_option("2")
    page.get_by_role("button", name="Create feed").click()
    expect(page.get_by_role("alert")).to_have_text(
        "eventVersion 2 offers unit.paired; `unit.unpaired` is not one of them."
    )
    page.get_by_label("unit.unpaired").uncheck()
    page.get_by_role("button", name="Create feed").click()
    expect(page.get_by_role("status")).to_contain_text("poll it at /v1/feed/")
    row = page.get_by_test_id("feed-row")
    expect(row).to_have_count(1)
    feed_id = re.search(r"/v1/feed/([0-9a-f-]{36})", row.inner_text()).group(1)  # type: ignore[union-attr]
    # The state in words, as every other state: its meaning on hover, the raw value only as a class.
    expect(row.get_by_test_id("feed-state")).to_have_text("Active")
    expect(row.get_by_test_id("feed-state")).to_have_attribute("title", re.compile(r"^Polls are answered"))
    expect(row.get_by_test_id("feed-state")).to_have_class(re.compile(r"\bstate-active\b"))
    expect(row.get_by_test_id("feed-backlog")).to_have_text("1")  # the feed covers the past
    expect(row).to_contain_text("Version 2: unit.paired")
    expect(row).to_contain_text("never")
    shot(page, "feeds")

    status, body = _poll(org, feed_id)
    assert status == 200
    assert body["hasNext"] is False
    assert [item["eventData"]["unitId"] for item in body["items"]] == [unit]  # type: ignore[attr-defined]
    page.reload()
    expect(row.get_by_test_id("feed-backlog")).to_have_text("0")
    expect(row).to_contain_text(" UTC")

    row.get_by_role("button", name=f"Pause feed {feed_id}").click()
    expect(page.get_by_role("status")).to_have_text("Feed paused: polls answer 404 until it is resumed.")
    expect(row.get_by_test_id("feed-state")).to_have_text("Paused")
    expect(row.get_by_test_id("feed-state")).to_have_attribute("title", re.compile(r"polls answer 404"))
    assert _poll(org, feed_id)[0] == 404
    shot(page, "feeds-paused")
    row.get_by_role("button", name=f"Resume feed {feed_id}").click()
    expect(row.get_by_test_id("feed-state")).to_have_text("Active")

    row.get_by_role("button", name=f"Delete feed {feed_id}").click()
    expect(page.get_by_role("heading", name="Delete a feed")).to_be_visible()
    page.get_by_role("button", name="Yes, delete").click()
    expect(page.get_by_role("status")).to_have_text("Feed deleted.")
    expect(page.get_by_role("cell", name="No feeds yet.")).to_be_visible()
    assert _poll(org, feed_id)[0] == 404


def test_an_organization_without_the_datahub_sees_why_it_has_no_feeds(page: Page, server: Server) -> None:
    org = server.new_org("Dormant Trailers", datahubSubscriptionActive=False)
    sign_in(page, org)

    page.goto("/ui/feeds")

    expect(page.get_by_role("heading", name="No feeds for this organization")).to_be_visible()
    expect(page.get_by_role("button", name="Create feed")).to_have_count(0)
