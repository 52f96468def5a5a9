"""Answers that carry a secret and UI pages are not cached; lists ordered by id hand out sealed cursors
bound to the organization and the list."""

from __future__ import annotations

import uuid

import pytest

from tests.support import Api


def test_answers_that_carry_a_secret_are_no_store(api: Api) -> None:
    org = api.new_org()
    key = api.client.post(f"/v1/organizations/{org.id}/api-keys", headers=api.admin)
    assert key.status_code == 201 and "key" in key.json()
    assert key.headers["cache-control"] == "no-store"

    body = {"url": "http://127.0.0.1:9/hook", "eventNames": ["unit.paired"]}
    created = api.client.post(f"/v1/organizations/{org.id}/subscriptions", json=body, headers=org.headers)
    assert created.status_code == 201 and "secret" in created.json()
    assert created.headers["cache-control"] == "no-store"

    rotated = api.client.post(
        f"/v1/organizations/{org.id}/subscriptions/{created.json()['id']}/rotate-secret", headers=org.headers
    )
    assert rotated.status_code == 200 and "secret" in rotated.json()
    assert rotated.headers["cache-control"] == "no-store"

    listed = api.client.get(f"/v1/organizations/{org.id}/subscriptions", headers=org.headers)
    assert "no-store" not in listed.headers.get("cache-control", "")


def test_ui_pages_are_no_store_and_their_static_files_are_not(api: Api) -> None:
    page = api.client.get("/ui/sign-in")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    style = api.client.get("/ui/static/favicon.svg")
    assert "no-store" not in style.headers.get("cache-control", "")


def test_id_ordered_cursors_are_sealed_and_bound_to_the_organization_and_the_list(api: Api) -> None:
    org, other = api.new_org(), api.new_org("Other")
    assets = [api.new_asset(org, name=f"asset {n}")["id"] for n in range(3)]
    api.new_asset(other, name="theirs")
    for n in range(3):
        api.new_unit(org, f"tp:{900 + n}")
    base = f"/v1/organizations/{org.id}"

    first = api.client.get(f"{base}/assets?limit=1", headers=org.headers).json()
    cursor = first["nextCursor"]
    assert cursor and all(asset_id not in cursor for asset_id in assets)
    with pytest.raises(ValueError):
        uuid.UUID(cursor)

    pages = [first]
    while pages[-1]["nextCursor"]:
        pages.append(
            api.client.get(
                f"{base}/assets?limit=1&after={pages[-1]['nextCursor']}", headers=org.headers
            ).json()
        )
    assert sorted(item["id"] for page in pages for item in page["data"]) == sorted(assets)

    # Another organization's list, another list, and a raw id are all refused.
    theirs = api.client.get(f"/v1/organizations/{other.id}/assets?after={cursor}", headers=other.headers)
    units = api.client.get(f"{base}/units?after={cursor}", headers=org.headers)
    raw = api.client.get(f"{base}/assets?after={assets[0]}", headers=org.headers)
    for refused in (theirs, units, raw):
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "invalid_cursor"

    for path in ("units", "pairings", "subscriptions"):
        listed = api.client.get(f"{base}/{path}?limit=1", headers=org.headers)
        assert listed.status_code == 200, (path, listed.text)
    organizations = api.client.get("/v1/organizations?limit=1", headers=api.admin).json()
    assert organizations["nextCursor"] and organizations["nextCursor"] != organizations["data"][0]["id"]
