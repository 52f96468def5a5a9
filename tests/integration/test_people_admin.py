"""The platform admin's people across the instance: listed and searched with sealed cursors, platform-admin
rights granted and taken, accounts deleted; the last platform admin and an organization's last owner stay."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from pairhub.bootstrap import Container
from pairhub.domain.errors import NotFound
from pairhub.entrypoints.ui.session import COOKIE_NAME
from tests.support import PASSWORD, Api, Org, Person


def _people(api: Api, **params: Any) -> httpx.Response:
    return api.client.get("/v1/people", params=params, headers=api.admin)


def _walk(api: Api, **params: Any) -> tuple[list[dict[str, Any]], list[str]]:
    found, cursors, after = [], [], None
    while True:
        answer = _people(api, limit=1, **params, **({"after": after} if after else {}))
        assert answer.status_code == 200, answer.text
        found += answer.json()["data"]
        after = answer.json()["nextCursor"]
        if after is None:
            return found, cursors
        cursors.append(after)


def _log(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    answer = api.client.get(path, params=params, headers=api.admin)
    assert answer.status_code == 200, answer.text
    entries: list[dict[str, Any]] = answer.json()["data"]
    return entries


def _signed_in_cookie(client: TestClient, email: str) -> str:
    client.cookies.clear()
    page = client.get("/ui/sign-in")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post(
        "/ui/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    cookie = client.cookies.get(COOKIE_NAME)
    assert cookie
    client.cookies.clear()
    return cookie


def _opens(client: TestClient, cookie: str) -> bool:
    client.cookies.set(COOKIE_NAME, cookie)
    answer = client.get("/ui/account", follow_redirects=False)
    client.cookies.clear()
    return answer.status_code == 200


def _join(api: Api, org: Org, person: Person, role: str) -> None:
    """An existing person joins another organization (accepting with their own password)."""
    invited = api.client.post(
        f"/v1/organizations/{org.id}/invitations",
        json={"email": person.email, "role": role},
        headers=api.admin,
    )
    assert invited.status_code == 201, invited.text
    token = invited.json()["url"].rsplit("/", 1)[-1]
    accepted = api.client.post(f"/v1/invitations/{token}/accept", json={"password": PASSWORD})
    assert accepted.status_code == 201, accepted.text


def test_everyone_is_listed_by_email_with_memberships_and_found_by_part_of_email_or_name(api: Api) -> None:
    north, south = api.new_org("North"), api.new_org("South")
    ada = api.new_person(north, "owner", "Ada.Lovelace@Example.com")
    api.new_person(south, "owner", "bob@fleet.example")
    _join(api, south, ada, "viewer")
    carol = api.new_person(south, "operator", "carol@fleet.example")

    listed, cursors = _walk(api)

    assert [p["email"] for p in listed] == ["Ada.Lovelace@Example.com", "bob@fleet.example", carol.email]
    first = listed[0]
    assert first["userId"] == ada.id and first["name"] == "Owner" and first["platformAdmin"] is False
    assert sorted((m["organizationId"], m["role"]) for m in first["memberships"]) == sorted(
        [(north.id, "owner"), (south.id, "viewer")]
    )
    assert first["createdAt"].endswith("Z")
    # The cursor names nobody and works only for this list.
    assert not any(p["email"].lower() in cursor.lower() for cursor in cursors for p in listed)
    refused = api.client.get(
        f"/v1/organizations/{north.id}/members", params={"after": cursors[0]}, headers=api.admin
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_cursor")

    by_email, _ = _walk(api, q="LOVELACE@ex")
    assert [p["userId"] for p in by_email] == [ada.id]
    by_domain, _ = _walk(api, q="FLEET")
    assert [p["email"] for p in by_domain] == ["bob@fleet.example", carol.email]
    by_name = _people(api, q="operat").json()["data"]
    assert [p["userId"] for p in by_name] == [carol.id]
    # `%` and `_` are letters here, not patterns.
    assert _people(api, q="%").json()["data"] == []


def test_platform_admin_rights_are_granted_and_taken_but_the_last_admin_keeps_them(api: Api) -> None:
    org = api.new_org()
    first, second = api.new_person(org, "owner"), api.new_person(org, "viewer")

    granted = api.client.patch(f"/v1/people/{first.id}", json={"platformAdmin": True}, headers=api.admin)
    assert granted.status_code == 200, granted.text
    assert granted.json()["platformAdmin"] is True
    assert (
        api.client.patch(
            f"/v1/people/{second.id}", json={"platformAdmin": True}, headers=api.admin
        ).status_code
        == 200
    )
    taken = api.client.patch(f"/v1/people/{second.id}", json={"platformAdmin": False}, headers=api.admin)
    assert (taken.status_code, taken.json()["platformAdmin"]) == (200, False)

    last = api.client.patch(f"/v1/people/{first.id}", json={"platformAdmin": False}, headers=api.admin)

    assert (last.status_code, last.json()["code"]) == (409, "last_platform_admin")
    assert last.headers["content-type"].startswith("application/problem+json")
    assert api.client.get(f"/v1/people/{first.id}", headers=api.admin).json()["platformAdmin"] is True
    entries = _log(api, "/v1/audit-log", action="person.updated")
    assert [(e["target"]["id"], e["changes"]["platformAdmin"], e["actor"]["type"]) for e in entries] == [
        (second.id, [True, False], "admin"),
        (second.id, [False, True], "admin"),
        (first.id, [False, True], "admin"),
    ]
    missing = api.client.patch("/v1/people/nobody", json={"platformAdmin": True}, headers=api.admin)
    assert (missing.status_code, missing.json()["code"]) == (404, "person_not_found")


def test_a_deleted_person_leaves_every_organization_and_their_sessions_and_links_end(
    api: Api, container: Container
) -> None:
    north, south = api.new_org("North"), api.new_org("South")
    api.new_person(north, "owner")
    api.new_person(south, "owner")
    leaving = api.new_person(north, "operator")
    _join(api, south, leaving, "viewer")
    cookie = _signed_in_cookie(api.client, leaving.email)
    reset = api.client.post(
        f"/v1/organizations/{north.id}/members/{leaving.id}/password-reset", headers=api.admin
    )
    token = reset.json()["url"].rsplit("/", 1)[-1]

    deleted = api.client.delete(f"/v1/people/{leaving.id}", headers=api.admin)

    assert deleted.status_code == 204, deleted.text
    assert leaving.email not in [p["email"] for p in _walk(api)[0]]
    assert api.client.get(f"/v1/people/{leaving.id}", headers=api.admin).json()["code"] == "person_not_found"
    for org, role in ((north, "operator"), (south, "viewer")):
        members = api.client.get(f"/v1/organizations/{org.id}/members", headers=api.admin).json()["data"]
        assert leaving.id not in [m["userId"] for m in members]
        entry = _log(api, f"/v1/organizations/{org.id}/audit-log", action="person.deleted")[0]
        assert (entry["target"]["id"], entry["changes"]) == (
            leaving.id,
            {"email": [leaving.email, None], "role": [role, None]},
        )
    instance = _log(api, "/v1/audit-log", action="person.deleted")[0]
    assert instance["changes"]["email"] == [leaving.email, None]
    assert not _opens(api.client, cookie)
    with pytest.raises(NotFound):
        container.invitations.reset_password(token, "a brand new password")
    # The email is free again: invited anew, it is a new account.
    again = api.new_person(north, "viewer", leaving.email)
    assert again.id != leaving.id
    with pytest.raises(NotFound):
        container.invitations.reset_password(token, "a brand new password")


def test_the_last_owner_and_the_last_platform_admin_are_not_deleted(api: Api, container: Container) -> None:
    org = api.new_org()
    owner = api.new_person(org, "owner")
    admin = container.people.create("root@example.com", "Root", PASSWORD, platform_admin=True)

    for person_id, code in ((owner.id, "last_owner"), (admin.id, "last_platform_admin")):
        refused = api.client.delete(f"/v1/people/{person_id}", headers=api.admin)
        assert (refused.status_code, refused.json()["code"]) == (409, code)
    assert {p["userId"] for p in _walk(api)[0]} == {owner.id, admin.id}
    assert _log(api, "/v1/audit-log") == []

    second = api.new_person(org, "owner")
    assert api.client.delete(f"/v1/people/{owner.id}", headers=api.admin).status_code == 204
    assert api.client.delete(f"/v1/people/{second.id}", headers=api.admin).json()["code"] == "last_owner"


def test_only_the_platform_admin_reaches_people_across_the_instance(api: Api) -> None:
    org = api.new_org()
    person = api.new_person(org, "owner")
    key = {"Authorization": f"Bearer {org.key}"}
    for method, path in (
        ("GET", "/v1/people"),
        ("DELETE", f"/v1/people/{person.id}"),
        ("GET", "/v1/audit-log"),
    ):
        assert api.client.request(method, path, headers=key).status_code == 403
    assert person.id in [p["userId"] for p in _people(api).json()["data"]]


def _ui_post(client: TestClient, path: str, **fields: str) -> httpx.Response:
    """Send a console form as the person signed in on `client`, with the page's CSRF token."""
    page = client.get("/ui/people")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return client.post(path, data={**fields, "csrf_token": csrf}, follow_redirects=True)


def test_the_console_grants_and_takes_the_rights_and_keeps_the_last_admin(
    api: Api, container: Container
) -> None:
    org = api.new_org()
    root = container.people.create("root@example.com", "Root", PASSWORD, platform_admin=True)
    other = api.new_person(org, "viewer")
    # Where the server sets it, so that the cookies it sets next (with the flash) replace it.
    api.client.cookies.set(
        COOKIE_NAME, _signed_in_cookie(api.client, root.email), domain="testserver.local", path="/ui"
    )

    refused = _ui_post(api.client, f"/ui/people/{root.id}/platform-admin", grant="no", q="root")
    assert "The instance keeps at least one platform admin." in refused.text
    assert str(refused.url).endswith("/ui/people?q=root")
    granted = _ui_post(api.client, f"/ui/people/{other.id}/platform-admin", grant="yes")
    assert "Viewer is now a platform admin." in granted.text
    assert api.client.get(f"/v1/people/{other.id}", headers=api.admin).json()["platformAdmin"] is True
    # Without the form's CSRF token nothing changes.
    forged = api.client.post(
        f"/ui/people/{other.id}/delete", data={"confirmed": "yes"}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert api.client.get(f"/v1/people/{other.id}", headers=api.admin).status_code == 200
