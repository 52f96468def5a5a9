"""The Datahub portal: subscriptions, secrets, tests, the delivery log, redelivery and on-hold."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from tests.delivery_support import Receiver
from tests.e2e.conftest import Org, Server, new_unit_id, shot, sign_in

VIN = "1HGCM82633A000001"


def _create_subscription(page: Page, url: str, *, description: str = "Fleet system") -> str:
    page.get_by_role("link", name="Datahub portal", exact=True).click()
    page.get_by_label("Webhook URL").fill(url)
    page.get_by_label("Wait for more events").fill("0")
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Create subscription").click()
    expect(page.get_by_role("heading", name="Subscription created")).to_be_visible()
    secret = page.get_by_label("Signing secret").input_value()
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", secret)
    return secret


def _pair_through_the_api(org: Org) -> None:
    asset = org.asset(vin=VIN, name="Reefer 12")
    unit = new_unit_id()
    org.unit(unit)
    response = org.call("POST", "/pairings", json={"unitId": unit, "assetId": asset["id"]})
    assert response.status_code == 201, response.text


def test_create_a_subscription_test_it_watch_a_batch_and_redeliver_it(
    page: Page, server: Server, receiver: Receiver
) -> None:
    org = server.new_org("Portal Trailers")
    sign_in(page, org)
    secret = _create_subscription(page, receiver.url())
    expect(page.get_by_role("button", name="Copy")).to_be_visible()
    shot(page, "subscription-secret")
    page.get_by_role("link", name="Go to the subscription").click()
    expect(page.get_by_test_id("subscription-state")).to_have_text("Active")
    assert secret not in page.content()

    page.get_by_role("button", name="Send a test").click()
    expect(page.get_by_test_id("test-result")).to_contain_text(
        re.compile(r"Test batch delivered: the receiver answered 200 after \d+ ms\.")
    )
    assert receiver.bodies()[0]["eventsData"][0]["eventData"]["unitId"] == "test:000000000000000"

    _pair_through_the_api(org)
    rows = page.get_by_test_id("batch-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("succeeded")
    expect(rows.first.get_by_test_id("attempt")).to_have_count(1)
    expect(page.get_by_test_id("delivered")).to_have_text("1")
    batch_id = receiver.bodies()[-1]["eventBatchId"]
    shot(page, "subscription-log")

    rows.first.get_by_role("button", name=f"Redeliver batch {batch_id}").click()
    expect(page.get_by_role("status")).to_have_text(f"Batch {batch_id} is queued for redelivery.")
    expect(page.get_by_test_id("batch-row").first.get_by_test_id("attempt")).to_have_count(2)
    assert [body["eventBatchId"] for body in receiver.bodies()[1:]] == [batch_id, batch_id]
    page.reload()  # the redelivery is recorded: the counters count the batch once
    expect(page.get_by_test_id("delivered")).to_have_text("1")

    page.get_by_role("link", name=batch_id).click()
    expect(page.get_by_role("heading", name=f"Batch {batch_id}")).to_be_visible()
    expect(page.locator("pre").last).to_contain_text('"reason": "ManualPair"')
    expect(page.locator("dt:text-is('Attempts') + dd")).to_have_text("2")
    expect(page.locator("table tbody tr")).to_have_count(2)
    shot(page, "batch")


def test_pause_resume_rotate_edit_and_delete_a_subscription(
    page: Page, server: Server, receiver: Receiver
) -> None:
    org = server.new_org("Settings Portal Trailers")
    sign_in(page, org)
    first_secret = _create_subscription(page, receiver.url(), description="ERP")
    page.get_by_role("link", name="Go to the subscription").click()

    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_test_id("subscription-state")).to_have_text("Paused")
    page.get_by_role("button", name="Resume").click()
    expect(page.get_by_test_id("subscription-state")).to_have_text("Active")

    # Rotating asks first; cancelling keeps the secret.
    page.get_by_role("button", name="Rotate secret…").click()
    expect(page.get_by_role("heading", name="Rotate the signing secret")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_test_id("subscription-state")).to_have_text("Active")
    page.get_by_role("button", name="Rotate secret…").click()
    page.get_by_role("button", name="Yes, rotate the secret").click()
    expect(page.get_by_role("heading", name="New signing secret")).to_be_visible()
    assert page.get_by_label("Signing secret").input_value() not in ("", first_secret)
    page.get_by_role("link", name="Go to the subscription").click()

    # Version 2 offers unit.paired only: its box is greyed out and cleared as soon as 2 is chosen.
    expect(page.get_by_label("unit.unpaired")).to_be_checked()
    page.get_by_label("Event version").select_option("2")
    expect(page.get_by_label("unit.unpaired")).to_be_disabled()
    expect(page.get_by_label("unit.unpaired")).not_to_be_checked()
    page.get_by_label("Batch size").fill("25")
    page.get_by_label("Custom headers").fill("X-Tenant: acme\nAuthorization: Bearer abc")
    page.get_by_label("Signature header").fill("X-SCALAR-Signature")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("Subscription saved.")
    expect(page.get_by_label("Batch size")).to_have_value("25")
    expect(page.get_by_label("Signature header")).to_have_value("X-SCALAR-Signature")
    shown = org.call("GET", "/subscriptions").json()["data"][0]
    assert (shown["eventVersion"], shown["eventNames"], shown["maxBatchSize"]) == (2, ["unit.paired"], 25)
    assert shown["customHeaderNames"] == ["X-Tenant", "Authorization"]
    assert shown["signatureHeader"] == "X-SCALAR-Signature"
    # Header values are write-only: the page names the headers and never shows a value again.
    expect(page.get_by_test_id("header-name")).to_have_text(["X-Tenant", "Authorization"])
    expect(page.get_by_label("Set or replace custom headers")).to_have_value("")
    assert "Bearer abc" not in page.content()
    shot(page, "subscription")
    page.get_by_label("Remove X-Tenant").check()
    page.get_by_label("Set or replace custom headers").fill("Authorization: Bearer xyz")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("Subscription saved.")
    expect(page.get_by_test_id("header-name")).to_have_text(["Authorization"])

    page.get_by_role("button", name="Delete…").click()
    page.get_by_role("button", name="Yes, delete").click()
    expect(page.get_by_role("status")).to_have_text("Subscription deleted.")
    expect(page.get_by_role("cell", name="No subscriptions yet.")).to_be_visible()


def test_a_failing_receiver_puts_the_subscription_on_hold_until_resumed(
    page: Page, server: Server, receiver: Receiver
) -> None:
    org = server.new_org("OnHold Trailers")
    sign_in(page, org)
    _create_subscription(page, receiver.url(), description="Flaky receiver")
    page.get_by_role("link", name="Go to the subscription").click()
    receiver.always("/hook", 503)

    _pair_through_the_api(org)
    # The server retries on a compressed schedule (PAIRHUB_RETRY_SCHEDULE), then holds the batch.
    banner = page.get_by_test_id("on-hold")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Delivery is on hold")
    expect(page.get_by_test_id("subscription-state")).to_have_text("On hold")
    expect(page.get_by_test_id("backlog")).to_have_text("1")
    shot(page, "subscription-on-hold")

    receiver.always("/hook", 200)
    banner.get_by_role("button", name="Resume now").click()
    expect(page.get_by_test_id("subscription-state")).to_have_text("Active")
    expect(page.get_by_test_id("batch-row").first).to_contain_text("succeeded")


def test_the_datahub_subscription_gates_the_portal(page: Page, server: Server) -> None:
    org = server.new_org("Inactive Trailers", datahubSubscriptionActive=False)
    sign_in(page, org)
    page.get_by_role("link", name="Datahub portal", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("need an active Datahub subscription")
    expect(page.get_by_text("Ask your administrator to activate it.")).to_be_visible()
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_test_id("datahub-state")).to_have_text("inactive")
    expect(page.get_by_role("button", name="Activate the Datahub subscription")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, server)
    page.get_by_role("button", name="Act on Inactive Trailers").click()
    page.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_role("button", name="Activate the Datahub subscription").click()
    expect(page.get_by_test_id("datahub-state")).to_have_text("active")
    page.get_by_role("link", name="Datahub portal", exact=True).click()
    expect(page.get_by_role("button", name="Create subscription")).to_be_visible()


def test_an_ed25519_subscription_shows_its_public_keys_and_links_its_jwk_set(
    page: Page, server: Server, receiver: Receiver
) -> None:
    org = server.new_org("Ed25519 Portal Trailers")
    sign_in(page, org)
    page.get_by_role("link", name="Datahub portal").click()
    page.get_by_label("Webhook URL").fill(receiver.url())
    page.get_by_label("Signature algorithm").select_option("ed25519")
    page.get_by_label("Description").fill("Public-key ERP")
    page.get_by_role("button", name="Create subscription").click()

    expect(page.get_by_role("heading", name="Subscription created")).to_be_visible()
    first_key = page.get_by_label("Public key").input_value()
    assert re.fullmatch(r"whpk_[A-Za-z0-9+/]{43}=", first_key)
    expect(page.get_by_label("Signing secret")).to_have_count(0)
    page.get_by_role("link", name="Go to the subscription").click()
    page.get_by_role("button", name="Rotate key…").click()
    expect(page.get_by_role("heading", name="Rotate the signing key")).to_be_visible()
    page.get_by_role("button", name="Yes, rotate the key").click()
    expect(page.get_by_role("heading", name="New signing key")).to_be_visible()
    page.get_by_role("link", name="Go to the subscription").click()

    signing = page.get_by_test_id("signing")
    expect(signing.get_by_test_id("previous-public-key")).to_have_value(first_key)
    assert signing.get_by_test_id("public-key").input_value() not in ("", first_key)
    shot(page, "subscription-ed25519")
    signing.get_by_role("link", name="JWK Set").click()
    keys = json.loads(page.locator("body").inner_text())["keys"]
    assert [(key["kty"], key["crv"]) for key in keys] == [("OKP", "Ed25519")] * 2


def test_the_receiver_credentials_show_without_the_client_secret(
    page: Page, server: Server, receiver: Receiver
) -> None:
    org = server.new_org("OAuth Portal Trailers")
    auth = {
        "type": "oauth2ClientCredentials",
        "tokenUrl": receiver.url("/token"),
        "clientId": "pairhub-acme",
        "clientSecret": "never-shown-0451",
        "scope": "pairings:write",
    }
    body = {"url": receiver.url(), "eventNames": ["unit.paired"], "auth": auth}
    created = org.call("POST", "/subscriptions", json=body)
    assert created.status_code == 201, created.text
    sign_in(page, org)

    page.goto(f"/ui/subscriptions/{created.json()['id']}")

    expect(page.get_by_test_id("receiver-auth")).to_contain_text("client pairhub-acme, scope pairings:write")
    assert "never-shown-0451" not in page.content()
