"""People in the browser, at desktop and phone width: an invitation accepted and used to pair, a viewer
refused, a key revoked by an owner."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE, Server, new_unit_id, shot, sign_in, sign_in_with

SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(SIZES))
def sized(request: pytest.FixtureRequest, browser: Browser, server: Server) -> Iterator[tuple[str, Page]]:
    """A fresh browser at desktop and at phone width."""
    context = browser.new_context(base_url=server.base_url, viewport=SIZES[request.param])
    context.set_default_timeout(10_000)
    yield request.param, context.new_page()
    context.close()


def test_an_invited_operator_pairs_and_the_audit_log_names_them(
    sized: tuple[str, Page], server: Server, browser: Browser
) -> None:
    size, page = sized
    org = server.new_org(f"Invite Trailers {size}")
    asset = org.asset(vin="1HGCM82633A000001", name="Reefer 12")
    unit = new_unit_id()
    org.unit(unit)
    email = f"ada-{uuid.uuid4().hex[:6]}@example.com"

    sign_in(page, org, "owner")
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Role", exact=True).select_option("operator")
    page.get_by_role("button", name="Invite", exact=True).click()
    link = page.get_by_label("Invitation link").input_value()
    shot(page, f"{size}-invitation-link")
    page.get_by_role("button", name="Sign out").click()

    page.goto(link)
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, Ada Lovelace")
    sign_in_with(page, email, PASSWORD)
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Ada Lovelace")

    page.goto(f"/ui/units/{unit}")
    page.get_by_label("Asset VIN or asset id").fill("1HGCM82633A000001")
    page.get_by_role("button", name="Pair with asset…").click()
    page.get_by_role("button", name="Yes, pair").click()
    expect(page.get_by_test_id("pairing-state")).to_contain_text("Paired with Reefer 12")
    expect(page.get_by_test_id("last-change")).to_contain_text(
        "Last changed by Ada Lovelace (pairing.created)"
    )
    shot(page, f"{size}-paired-by-a-person")

    log = server.api.get(f"/v1/organizations/{org.id}/audit-log", params={"targetId": unit}).json()["data"]
    assert (log[0]["action"], log[0]["actor"]["type"], log[0]["actor"]["name"]) == (
        "pairing.created",
        "person",
        "Ada Lovelace",
    )
    assert log[0]["changes"] == {"assetId": [None, asset["id"]]}


def test_a_viewers_forms_are_refused_and_change_nothing(sized: tuple[str, Page], server: Server) -> None:
    size, page = sized
    org = server.new_org(f"Viewer Trailers {size}")
    org.asset(vin="1HGCM82633A000001", name="Reefer 12")

    sign_in(page, org, "viewer")
    page.get_by_role("link", name="Settings", exact=True).click()
    with page.expect_response(lambda r: r.url.endswith("/ui/settings/auto-pairing")) as posted:
        page.get_by_role("button", name="Turn auto pairing on").click()
    assert posted.value.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    shot(page, f"{size}-viewer-refused")

    page.goto("/ui/assets")
    page.get_by_label("VIN (17 characters, optional)").fill("WDB9634031L738192")
    with page.expect_response(lambda r: r.url.endswith("/ui/assets") and r.request.method == "POST") as made:
        page.get_by_role("button", name="Create asset").click()
    assert made.value.status == 403
    # The viewer sees no link to people or keys, and nothing changed.
    expect(page.get_by_role("link", name="API keys", exact=True)).to_have_count(0)
    assert org.call("GET", "").json()["autoPairingEnabled"] is False
    assert len(org.call("GET", "/assets").json()["data"]) == 1


def test_an_owner_revokes_a_key_and_it_is_refused_at_once(sized: tuple[str, Page], server: Server) -> None:
    size, page = sized
    org = server.new_org(f"Key Trailers {size}")
    assert org.call("GET", "/units").status_code == 200

    sign_in(page, org, "owner")
    page.get_by_role("link", name="API keys", exact=True).click()
    row = page.get_by_test_id("api-key-row").filter(has_text=org.key[:12])
    expect(row).to_contain_text("full")
    shot(page, f"{size}-api-keys")
    row.get_by_role("button", name=re.compile("^Revoke")).click()

    expect(page.get_by_role("status")).to_have_text("The key is revoked: it no longer works.")
    expect(page.get_by_test_id("api-key-row").filter(has_text=org.key[:12])).to_have_count(0)
    assert org.call("GET", "/units").status_code == 401
