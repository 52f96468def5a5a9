"""Signing in and out, the admin's choice of organization, CSRF, and organization isolation."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, Server, new_unit_id, shot, sign_in, sign_in_with


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
