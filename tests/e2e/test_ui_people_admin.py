"""The platform admin's people in the browser, at desktop and phone width: a person found by part of the
email and their account deleted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, Server, shot, sign_in

SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(SIZES))
def sized(request: pytest.FixtureRequest, browser: Browser, server: Server) -> Iterator[tuple[str, Page]]:
    """A fresh browser at desktop and at phone width."""
    context = browser.new_context(base_url=server.base_url, viewport=SIZES[request.param])
    context.set_default_timeout(10_000)
    yield request.param, context.new_page()
    context.close()


def test_the_platform_admin_finds_a_person_by_part_of_the_email_and_deletes_them(
    sized: tuple[str, Page], server: Server
) -> None:
    size, page = sized
    org = server.new_org(f"People Trailers {size}")
    org.person("owner")
    leaving = server.invite(org.id, "operator", "Grace Hopper")
    # A part of the email only this person has, in another case than it was written.
    part = leaving.email.split("@")[0].split("-", 1)[1].upper()

    sign_in(page, server)
    page.get_by_role("link", name="All people", exact=True).click()
    page.get_by_label("Email or name contains").fill(part)
    page.get_by_role("button", name="Search", exact=True).click()
    rows = page.get_by_test_id("person-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(leaving.email)
    expect(rows).to_contain_text(f"{org.name} (operator)")
    shot(page, f"{size}-people-found-by-email")

    rows.get_by_role("button", name=f"Delete the account of {leaving.email}").click()
    expect(page.get_by_role("heading", name="Delete an account")).to_be_visible()
    page.get_by_role("button", name="Yes, delete").click()

    expect(page.get_by_role("status")).to_contain_text(f"The account of {leaving.email} is deleted.")
    expect(page.get_by_test_id("person-row")).to_have_count(0)
    expect(page.get_by_label("Email or name contains")).to_have_value(part)
    shot(page, f"{size}-person-deleted")
    assert server.api.get("/v1/people", params={"q": part}).json()["data"] == []
    members = server.api.get(f"/v1/organizations/{org.id}/members").json()["data"]
    assert leaving.id not in [m["userId"] for m in members]
    log = server.api.get("/v1/audit-log", params={"targetId": leaving.id}).json()["data"]
    assert (log[0]["action"], log[0]["actor"]["name"]) == ("person.deleted", "Platform Admin")
