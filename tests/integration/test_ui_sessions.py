"""UI sessions live on the server and end when their ground goes, even in a copied cookie: sign-out,
the person's removal, a role change, a password change (the other sessions), a rotated admin token."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.entrypoints.api.app import create_app
from pairhub.entrypoints.ui.session import COOKIE_NAME
from pairhub.services.auth import SESSION_LIFETIME_S
from tests.conftest import ADMIN_TOKEN, make_settings
from tests.support import PASSWORD, Api, Org, Person


def _csrf(page: httpx.Response) -> str:
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _post_sign_in(client: TestClient, **fields: str) -> httpx.Response:
    client.cookies.clear()
    csrf = _csrf(client.get("/ui/sign-in"))
    return client.post("/ui/sign-in", data={**fields, "csrf_token": csrf}, follow_redirects=False)


def _sign_in(api: Api, person: Person, password: str = PASSWORD) -> str:
    """Sign in through the form; the session cookie."""
    signed_in = _post_sign_in(api.client, email=person.email, password=password)
    assert signed_in.status_code == 303, signed_in.text
    cookie = api.client.cookies.get(COOKIE_NAME)
    assert cookie
    api.client.cookies.clear()
    return cookie


def _sign_in_admin_token(client: TestClient) -> str:
    signed_in = _post_sign_in(client, token=ADMIN_TOKEN)
    assert signed_in.status_code == 303, signed_in.text
    cookie = client.cookies.get(COOKIE_NAME)
    assert cookie
    client.cookies.clear()
    return cookie


def _opens(client: TestClient, cookie: str, path: str = "/ui/assets") -> bool:
    """True when `cookie` alone opens a signed-in page (a fresh client, as a thief would use it)."""
    client.cookies.clear()
    client.cookies.set(COOKIE_NAME, cookie)
    answer = client.get(path, follow_redirects=False)
    client.cookies.clear()
    return answer.status_code == 200


def _post(client: TestClient, cookie: str, path: str, **fields: str) -> httpx.Response:
    client.cookies.set(COOKIE_NAME, cookie)
    csrf = _csrf(client.get("/ui/account"))
    answer = client.post(path, data={**fields, "csrf_token": csrf}, follow_redirects=False)
    client.cookies.clear()
    return answer


def _token_of(cookie: str) -> str:
    payload = cookie.rsplit(".", 1)[0]
    token: str = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["token"]
    return token


def test_a_copied_cookie_is_dead_after_sign_out(api: Api) -> None:
    org: Org = api.new_org()
    cookie = _sign_in(api, api.new_person(org, "viewer"))
    assert _opens(api.client, cookie)

    assert _post(api.client, cookie, "/ui/sign-out").status_code == 303

    assert not _opens(api.client, cookie)
    assert not _opens(api.client, cookie, "/ui/units")


def test_removal_and_a_role_change_end_that_persons_sessions_and_no_other(api: Api) -> None:
    org = api.new_org()
    removed, changed, kept = (api.new_person(org, role) for role in ("operator", "viewer", "owner"))
    cookies = {person: _sign_in(api, person) for person in (removed, changed, kept)}
    assert all(_opens(api.client, cookie) for cookie in cookies.values())

    members = f"/v1/organizations/{org.id}/members"
    assert api.client.delete(f"{members}/{removed.id}", headers=api.admin).status_code == 204
    patched = api.client.patch(f"{members}/{changed.id}", json={"role": "operator"}, headers=api.admin)
    assert patched.status_code == 200, patched.text

    assert not _opens(api.client, cookies[removed])
    assert not _opens(api.client, cookies[changed])
    assert _opens(api.client, cookies[kept])
    # The changed person signs in again under the new role; the removed one sees no organization.
    assert _opens(api.client, _sign_in(api, changed))
    assert not _opens(api.client, _sign_in(api, removed))


def test_a_password_change_ends_the_other_sessions_and_sign_out_everywhere_ends_all(api: Api) -> None:
    org = api.new_org()
    person = api.new_person(org, "viewer")
    here, elsewhere = _sign_in(api, person), _sign_in(api, person)

    changed = _post(api.client, here, "/ui/account/password", current=PASSWORD, new="a much newer password")
    assert changed.status_code == 303

    assert _opens(api.client, here)
    assert not _opens(api.client, elsewhere)
    assert _post_sign_in(api.client, email=person.email, password=PASSWORD).status_code == 401
    again = _sign_in(api, person, "a much newer password")

    assert _post(api.client, again, "/ui/sign-out-everywhere").status_code == 303
    assert not _opens(api.client, again)
    assert not _opens(api.client, here)


def test_a_session_ends_when_its_lifetime_is_over(api: Api, clock: ManualClock) -> None:
    org = api.new_org()
    cookie = _sign_in(api, api.new_person(org, "viewer"))
    clock.advance(SESSION_LIFETIME_S - 1)
    assert _opens(api.client, cookie)
    clock.advance(2)
    assert not _opens(api.client, cookie)


def test_the_admin_token_signs_in_only_until_a_platform_admin_exists(api: Api, container: Container) -> None:
    assert "admin token" in api.client.get("/ui/sign-in").text
    admin_cookie = _sign_in_admin_token(api.client)
    assert _opens(api.client, admin_cookie, "/ui/organizations")

    container.people.create("root@example.com", "Root", PASSWORD, platform_admin=True)

    assert "admin token" not in api.client.get("/ui/sign-in").text
    refused = _post_sign_in(api.client, token=ADMIN_TOKEN)
    assert refused.status_code == 401
    assert "API only" in refused.text
    # The API keeps accepting the token.
    assert api.client.get("/v1/organizations", headers=api.admin).status_code == 200


@pytest.fixture
def rotated(database_url: str, clock: ManualClock) -> Iterator[TestClient]:
    """The same database served after the admin token was changed."""
    built = bootstrap.build(make_settings(database_url, admin_token="a-rotated-admin-token"), clock)
    with TestClient(create_app(built)) as client:
        yield client
    built.close()


def test_rotating_the_admin_token_ends_the_sessions_it_opened(
    api: Api, rotated: TestClient, container: Container
) -> None:
    org = api.new_org()
    person_cookie = _sign_in(api, api.new_person(org, "viewer"))
    admin_cookie = _sign_in_admin_token(api.client)
    # The UI session key is the same for both processes, so only the token's fingerprint differs.
    codec = api.client.app.state.ui_sessions  # type: ignore[attr-defined]
    rotated.app.state.ui_sessions = codec  # type: ignore[attr-defined]

    assert _opens(api.client, admin_cookie, "/ui/organizations")
    assert not _opens(rotated, admin_cookie, "/ui/organizations")
    assert _opens(rotated, person_cookie)


def test_the_database_keeps_only_a_hash_of_the_session_token(api: Api, database_url: str) -> None:
    org = api.new_org()
    person = api.new_person(org, "viewer")
    cookie = _sign_in(api, person)
    token = _token_of(cookie)

    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT token_hash, role, person_id FROM ui_sessions")).all()
    engine.dispose()

    assert [tuple(row) for row in rows] == [(hashlib.sha256(token.encode()).hexdigest(), "person", person.id)]
    assert token not in str(rows)
