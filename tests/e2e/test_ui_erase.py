"""Erasing an organization from the UI, and the storage it uses, in Chromium at 1280 px and 390 px."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, Org, Server, new_unit_id, shot, sign_in

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(SIZES))
def sized(request: pytest.FixtureRequest, browser: Browser, server: Server) -> Iterator[tuple[str, Page]]:
    """A fresh context (no cookies) at desktop and at phone width."""
    context = browser.new_context(base_url=server.base_url, viewport=SIZES[request.param])
    context.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    yield request.param, context.new_page()
    context.close()


def _paired_org(server: Server, name: str) -> Org:
    """An organization with one asset, one unit and one pairing (so one event)."""
    org = server.new_org(name)
    asset = org.asset(vin="1HGCM82633A000001", name="Reefer 1")
    unit_id = new_unit_id()
    org.unit(unit_id)
    paired = org.call("POST", "/pairings", json={"unitId": unit_id, "assetId": asset["id"]})
    assert paired.status_code in (200, 201), paired.text
    return org


def _look(page: Page, name: str) -> None:
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways"
    shot(page, name)


def test_the_platform_admin_erases_an_organization_after_typing_its_name(
    sized: tuple[str, Page], server: Server
) -> None:
    size, page = sized
    name = f"Erased Trailers {uuid.uuid4().hex[:6]}"
    doomed = _paired_org(server, name)
    kept = _paired_org(server, f"Kept Trailers {uuid.uuid4().hex[:6]}")
    sign_in(page, server)

    page.goto("/ui/organizations")
    expect(page.get_by_test_id("database-size")).to_contain_text("MiB")
    page.goto(f"/ui/organizations/{doomed.id}/erase")
    expect(page.get_by_role("heading", name="Erase an organization")).to_be_visible()
    _look(page, f"organization-erase-{size}")

    # A name that is not the organization's erases nothing.
    page.get_by_label("Type the organization's name to confirm").fill(name.upper())
    with page.expect_response(lambda r: r.url.endswith("/erase") and r.request.method == "POST") as wrong:
        page.get_by_role("button", name="Erase this organization").click()
    assert wrong.value.status == 422
    expect(page.get_by_test_id("erase-error")).to_be_visible()
    _look(page, f"organization-erase-refused-{size}")
    assert doomed.call("GET", "").status_code == 200

    # Without its CSRF token, the form is refused like every other.
    page.locator("form.confirm input[name=csrf_token]").evaluate("e => e.remove()")
    page.get_by_label("Type the organization's name to confirm").fill(name)
    with page.expect_response(lambda r: r.url.endswith("/erase") and r.request.method == "POST") as forged:
        page.get_by_role("button", name="Erase this organization").click()
    assert forged.value.status == 403
    assert doomed.call("GET", "").status_code == 200

    page.goto(f"/ui/organizations/{doomed.id}/erase")
    page.get_by_label("Type the organization's name to confirm").fill(name)
    with page.expect_navigation():
        page.get_by_role("button", name="Erase this organization").click()

    expect(page.get_by_text(f"Organization {name} and all of its data were erased.")).to_be_visible()
    _look(page, f"organization-erased-{size}")
    # Erased as `DELETE /v1/organizations/{id}` erases: it answers 404 now; the other one is untouched.
    assert server.api.get(f"/v1/organizations/{doomed.id}").status_code == 404
    assert len(kept.call("GET", "/events").json()["data"]) == 1


def test_only_the_platform_admin_may_erase(page: Page, server: Server) -> None:
    org = _paired_org(server, f"Owned Trailers {uuid.uuid4().hex[:6]}")
    sign_in(page, org)

    page.goto("/ui/organizations")
    expect(page.get_by_role("button", name=f"Act on {org.name}")).to_be_visible()
    expect(page.get_by_role("link", name=f"Erase {org.name}")).to_have_count(0)
    expect(page.get_by_test_id("database-size")).to_have_count(0)
    shown = page.goto(f"/ui/organizations/{org.id}/erase")

    assert shown is not None and shown.status == 403
    assert org.call("GET", "").status_code == 200


def test_the_overview_shows_the_storage_the_organization_uses(
    sized: tuple[str, Page], server: Server
) -> None:
    size, page = sized
    org = _paired_org(server, f"Stored Trailers {uuid.uuid4().hex[:6]}")
    sign_in(page, org)

    page.goto("/ui/overview")

    card = page.get_by_test_id("storage-card")
    expect(card.get_by_role("heading", name="Storage used")).to_be_visible()
    expect(page.get_by_test_id("storage-events")).to_have_text("1")
    expect(card).to_contain_text("Delivered events are deleted after 90 days")
    card.scroll_into_view_if_needed()
    _look(page, f"overview-storage-{size}")
