"""The audit log in the browser, at desktop and phone width: changes by a person and by an API key, named
on the asset and subscription pages beside the last change, and the log filtered by actor, action and
target and paged."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, Org, Server, shot, sign_in

SIZES = {"desktop": DESKTOP, "phone": PHONE}
PAGE_SIZE = 50
"""The UI's audit page shows this many entries; one more makes a second page."""
HOOK = "http://127.0.0.1:9/hook"


@pytest.fixture(params=list(SIZES))
def sized(request: pytest.FixtureRequest, browser: Browser, server: Server) -> Iterator[tuple[str, Page]]:
    """A fresh browser at desktop and at phone width."""
    context = browser.new_context(base_url=server.base_url, viewport=SIZES[request.param])
    context.set_default_timeout(10_000)
    yield request.param, context.new_page()
    context.close()


def _named_key(server: Server, org: Org, name: str) -> tuple[str, dict[str, str]]:
    """A new API key of the organization with a name: its id and the headers that use it."""
    made = server.api.post(f"/v1/organizations/{org.id}/api-keys", json={"name": name})
    assert made.status_code == 201, made.text
    return made.json()["id"], {"Authorization": f"Bearer {made.json()['key']}"}


def _made(server: Server, org: Org, headers: dict[str, str], path: str, body: dict[str, Any]) -> Any:
    answer = server.api.post(f"/v1/organizations/{org.id}{path}", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _column(rows: Locator, label: str) -> list[str]:
    """One column of the audit rows, top to bottom, its white space as one space (a narrow cell wraps)."""
    return [" ".join(text.split()) for text in rows.locator(f"td[data-label='{label}']").all_inner_texts()]


def test_the_audit_log_names_people_and_keys_filters_and_pages(
    sized: tuple[str, Page], server: Server
) -> None:
    size, page = sized
    org = server.new_org(f"Audit Trailers {size}")
    gateway = f"Yard gateway {size}"
    key_id, as_gateway = _named_key(server, org, gateway)
    asset = _made(server, org, as_gateway, "/assets", {"vin": "1HGCM82633A004352", "name": "Reefer 7"})
    subscription = _made(
        server,
        org,
        as_gateway,
        "/subscriptions",
        {"url": HOOK, "eventNames": ["unit.paired"], "description": "Yard"},
    )
    # Enough more changes by the key that its entries fill a page and spill onto a second.
    for number in range(PAGE_SIZE):
        _made(server, org, as_gateway, "/assets", {"name": f"Dolly {number:02d}"})
    owner = sign_in(page, org, "owner")

    # The key's change is named beside the asset and the subscription, then the person's replaces it.
    page.goto(f"/ui/assets/{asset['id']}")
    expect(page.get_by_test_id("last-change")).to_contain_text(f"Last changed by {gateway} (asset.created)")
    page.get_by_label("Name", exact=True).fill("Reefer 7 north")
    page.get_by_role("button", name="Save asset").click()
    expect(page.get_by_role("status")).to_contain_text("Asset saved.")
    expect(page.get_by_test_id("last-change")).to_contain_text(
        f"Last changed by {owner.name} (asset.updated)"
    )
    shot(page, f"{size}-asset-last-changed-by-a-person")

    page.goto(f"/ui/subscriptions/{subscription['id']}")
    expect(page.get_by_test_id("last-change")).to_contain_text(
        f"Last changed by {gateway} (subscription.created)"
    )
    shot(page, f"{size}-subscription-last-changed-by-a-key")
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_test_id("last-change")).to_contain_text(
        f"Last changed by {owner.name} (subscription.paused)"
    )

    # By actor: the person's own changes (joining by the invitation the first), typed into the filter.
    page.get_by_role("link", name="Audit log", exact=True).click()
    rows = page.get_by_test_id("audit-row")
    page.get_by_label("Actor id").fill(owner.id)
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(rf"actor={owner.id}"))
    expect(rows).to_have_count(3)
    assert _column(rows, "Action") == ["subscription.paused", "asset.updated", "member.joined"]
    assert set(_column(rows, "Who")) == {f"{owner.name} (person)"}
    shot(page, f"{size}-audit-log-by-a-person")

    # A target: both names on one asset's history, newest first.
    rows.filter(has_text="asset.updated").get_by_role("link", name=re.compile("^asset")).click()
    expect(page).to_have_url(re.compile(rf"target={asset['id']}"))
    expect(rows).to_have_count(2)
    assert _column(rows, "Action") == ["asset.updated", "asset.created"]
    assert _column(rows, "Who") == [f"{owner.name} (person)", f"{gateway} (apiKey)"]
    assert "name: Reefer 7 → Reefer 7 north" in _column(rows, "Changes")[0]

    # By actor again, from the key's name: a full page of its changes, then the older ones.
    rows.filter(has_text="asset.created").get_by_role("link", name=gateway).click()
    expect(page).to_have_url(re.compile(rf"actor={key_id}"))
    expect(rows).to_have_count(PAGE_SIZE)
    assert set(_column(rows, "Who")) == {f"{gateway} (apiKey)"}
    page.get_by_role("link", name="Older").click()
    # The second page keeps the filter: only the key's two oldest changes, not the admin's set-up.
    expect(rows).to_have_count(2)
    assert _column(rows, "Action") == ["subscription.created", "asset.created"]
    expect(page.get_by_role("link", name="Older")).to_have_count(0)
    page.get_by_role("link", name="Newest").click()
    expect(rows).to_have_count(PAGE_SIZE)

    # By action: only the pause, whoever made it; then an action nobody took.
    page.get_by_label("Actor id").fill("")
    page.get_by_label("Action").select_option("subscription.paused")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"action=subscription\.paused"))
    expect(rows).to_have_count(1)
    assert _column(rows, "Who") == [f"{owner.name} (person)"]
    assert "state: active → paused" in _column(rows, "Changes")[0]
    shot(page, f"{size}-audit-log-by-action")
    page.get_by_label("Action").select_option("subscription.deleted")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("cell", name="No changes match these filters.")).to_be_visible()
