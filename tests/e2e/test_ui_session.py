"""Signing in and out, the admin's choice of organization, CSRF, and organization isolation."""

from __future__ import annotations

import base64
import json
import re
import secrets
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE, Server, new_unit_id, shot, sign_in, sign_in_with
from tests.e2e.processes import free_port, start_serve, stop


def test_sign_in_as_a_person_and_sign_out(page: Page, server: Server) -> None:
    org = server.new_org("Session Trailers")

    page.goto("/ui/assets")
    expect(page).to_have_url(re.compile(r"/ui/sign-in$"))
    shot(page, "sign-in")
    person = sign_in(page, org)

    expect(page).to_have_url(re.compile(r"/ui/overview$"))
    expect(page.get_by_test_id("acting-org")).to_contain_text("Session Trailers")
    expect(page.get_by_test_id("signed-in-as")).to_have_text(person.name)
    cookie = next(c for c in page.context.cookies() if c["name"] == "pairhub_ui")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert PASSWORD not in cookie["value"] and person.email not in cookie["value"]

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/ui/sign-in$"))
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    page.goto("/ui/assets")
    expect(page).to_have_url(re.compile(r"/ui/sign-in$"))
    # Sign-out ends the session on the server: a copy of the signed-in cookie opens nothing.
    page.context.clear_cookies()
    page.context.add_cookies([cookie])
    page.goto("/ui/assets")
    expect(page).to_have_url(re.compile(r"/ui/sign-in$"))


def test_a_wrong_password_an_unknown_email_and_an_api_key_are_refused_in_words(
    page: Page, server: Server
) -> None:
    org = server.new_org("Refused Trailers")
    person = org.person("viewer")
    sign_in_with(page, person.email, "not the password at all")
    expect(page.get_by_role("alert")).to_have_text("The email or the password is not right.")
    shot(page, "sign-in-refused")

    sign_in_with(page, "nobody@example.com", PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("The email or the password is not right.")
    # People sign in as themselves: an organization key opens no session.
    sign_in_with(page, person.email, org.key)
    expect(page.get_by_role("alert")).to_have_text("The email or the password is not right.")


def test_removing_the_person_from_the_organization_ends_the_session(page: Page, server: Server) -> None:
    org = server.new_org("Removed Trailers")
    person = sign_in(page, org, "operator")
    expect(page).to_have_url(re.compile(r"/ui/overview$"))
    copied = next(c for c in page.context.cookies() if c["name"] == "pairhub_ui")

    removed = server.api.delete(f"/v1/organizations/{org.id}/members/{person.id}")
    assert removed.status_code == 204, removed.text
    page.goto("/ui/units")

    expect(page).to_have_url(re.compile(r"/ui/sign-in$"))
    expect(page.get_by_role("alert")).to_have_text("Please sign in again.")
    page.context.clear_cookies()
    page.context.add_cookies([copied])
    page.goto("/ui/units")
    expect(page).to_have_url(re.compile(r"/ui/sign-in$"))


def test_admin_picks_an_organization_to_act_on(page: Page, server: Server) -> None:
    org = server.new_org("Admin Pick Trailers")
    org.asset(vin="WDB9634031L738192", name="Picked trailer")

    sign_in(page, server)
    expect(page).to_have_url(re.compile(r"/ui/organizations$"))
    shot(page, "organizations")
    page.get_by_role("button", name="Act on Admin Pick Trailers").click()

    expect(page).to_have_url(re.compile(r"/ui/overview$"))
    expect(page.get_by_test_id("acting-org")).to_contain_text("acting on Admin Pick Trailers")
    page.get_by_role("link", name="Assets", exact=True).click()
    expect(page.get_by_role("link", name="Picked trailer")).to_be_visible()


def test_a_form_posted_without_its_csrf_token_is_refused(page: Page, server: Server) -> None:
    org = server.new_org("Csrf Trailers")
    sign_in(page, org)
    page.goto("/ui/settings")

    # Strip the token from the form, as a forged cross-site form would lack it.
    page.locator("form[action='/ui/settings/auto-pairing'] input[name=csrf_token]").evaluate(
        "e => e.remove()"
    )
    with page.expect_response(lambda r: r.url.endswith("/ui/settings/auto-pairing")) as posted:
        page.get_by_role("button", name="Turn auto pairing on").click()

    assert posted.value.status == 403
    expect(page.get_by_role("heading", name="Request refused")).to_be_visible()
    shot(page, "csrf-refused")
    assert org.call("GET", "").json()["autoPairingEnabled"] is False


def test_another_organizations_objects_are_not_shown(page: Page, server: Server) -> None:
    mine = server.new_org("Mine Trailers")
    theirs = server.new_org("Theirs Trailers")
    their_asset = theirs.asset(vin="1HGCM82633A004352", name="Their trailer")
    their_unit = new_unit_id()
    theirs.unit(their_unit)

    sign_in(page, mine)
    page.goto(f"/ui/assets/{their_asset['id']}")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    page.goto(f"/ui/units/{their_unit}")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    page.goto("/ui/assets?q=Their")
    expect(page.get_by_role("cell", name="No assets match these filters.")).to_be_visible()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_rotating_the_admin_token_ends_the_sessions_it_opened(
    browser: Browser, tmp_path: Path, size: str
) -> None:
    # One session key across restarts: a cookie outlives a restart, so only the token decides.
    env = {
        "PAIRHUB_DATABASE_URL": f"sqlite:///{tmp_path / 'pairhub.db'}",
        "PAIRHUB_UI_SESSION_KEY": secrets.token_hex(32),
        "PAIRHUB_LOG_FORMAT": "json",
    }
    token_a, token_b = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    port = free_port()
    viewport = DESKTOP if size == "desktop" else PHONE
    context = browser.new_context(base_url=f"http://127.0.0.1:{port}", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    process, _ = start_serve(tmp_path, {**env, "PAIRHUB_ADMIN_TOKEN": token_a}, port)
    try:
        # No platform admin yet: the admin token opens the console once, to set things up.
        page.goto("/ui/sign-in")
        page.get_by_text("First time: sign in with the admin token").click()
        page.get_by_label("Admin token").fill(token_a)
        page.get_by_role("button", name="Sign in with the admin token").click()
        expect(page).to_have_url(re.compile(r"/ui/organizations$"))
        cookie = next(c for c in context.cookies() if c["name"] == "pairhub_ui")
        assert token_a not in cookie["value"]
        stop(process)

        # Restarted with the same token: the session stands (the restart alone ends nothing).
        process, _ = start_serve(tmp_path, {**env, "PAIRHUB_ADMIN_TOKEN": token_a}, port)
        page.goto("/ui/organizations")
        expect(page).to_have_url(re.compile(r"/ui/organizations$"))
        expect(page.get_by_role("button", name="Create organization")).to_be_visible()
        stop(process)

        # Restarted with a new token: the copied cookie opens nothing, and the old token is refused.
        process, base_url = start_serve(tmp_path, {**env, "PAIRHUB_ADMIN_TOKEN": token_b}, port)
        context.clear_cookies()
        context.add_cookies([cookie])
        page.goto("/ui/organizations")
        expect(page).to_have_url(re.compile(r"/ui/sign-in$"))
        expect(page.get_by_role("alert")).to_have_text("Please sign in again.")
        shot(page, f"{size}-admin-token-rotated")
        context.clear_cookies()
        context.add_cookies([cookie])
        # Replayed with its own CSRF token (the cookie is signed, not secret), the form creates nothing.
        payload = cookie["value"].rsplit(".", 1)[0]
        csrf = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["csrf"]
        replayed = page.request.post(
            "/ui/organizations", form={"name": "Replayed", "csrf_token": csrf}, max_redirects=0
        )
        assert (replayed.status, replayed.headers["location"]) == (303, "/ui/sign-in")
        old = httpx.get(f"{base_url}/v1/organizations", headers={"Authorization": f"Bearer {token_a}"})
        new = httpx.get(f"{base_url}/v1/organizations", headers={"Authorization": f"Bearer {token_b}"})
        assert (old.status_code, new.status_code) == (401, 200)
        assert new.json()["data"] == []
    finally:
        context.close()
        stop(process)
