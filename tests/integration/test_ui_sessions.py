"""UI sessions live on the server: sign-out and key revocation end them, even in a copied cookie."""

from __future__ import annotations

import base64
import hashlib
import json

import httpx
from sqlalchemy import create_engine, text

from pairhub.entrypoints.ui.session import COOKIE_NAME
from tests.support import Api, Org


def _csrf(page: httpx.Response) -> str:
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _sign_in(api: Api, token: str) -> str:
    """Sign in through the form; the session cookie."""
    csrf = _csrf(api.client.get("/ui/sign-in"))
    signed_in = api.client.post(
        "/ui/sign-in", data={"token": token, "csrf_token": csrf}, follow_redirects=False
    )
    assert signed_in.status_code == 303, signed_in.text
    cookie = api.client.cookies.get(COOKIE_NAME)
    assert cookie
    return cookie


def _opens(api: Api, cookie: str, path: str = "/ui/assets") -> bool:
    """True when `cookie` alone opens a signed-in page (a fresh client, as a thief would use it)."""
    api.client.cookies.clear()
    api.client.cookies.set(COOKIE_NAME, cookie)
    answer = api.client.get(path, follow_redirects=False)
    api.client.cookies.clear()
    return answer.status_code == 200


def _token_of(cookie: str) -> str:
    payload = cookie.rsplit(".", 1)[0]
    token: str = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["token"]
    return token


def test_a_copied_cookie_is_dead_after_sign_out(api: Api) -> None:
    org: Org = api.new_org()
    cookie = _sign_in(api, org.key)
    assert _opens(api, cookie)

    api.client.cookies.set(COOKIE_NAME, cookie)
    csrf = _csrf(api.client.get("/ui/assets"))
    api.client.post("/ui/sign-out", data={"csrf_token": csrf})

    assert not _opens(api, cookie)
    assert not _opens(api, cookie, "/ui/units")


def test_revoking_the_key_ends_its_sessions_and_no_other(api: Api) -> None:
    org = api.new_org()
    created = api.client.post(f"/v1/organizations/{org.id}/api-keys", headers=api.admin).json()
    revoked_cookie = _sign_in(api, created["key"])
    kept_cookie = _sign_in(api, org.key)
    admin_cookie = _sign_in(api, api.admin["Authorization"].removeprefix("Bearer "))
    assert _opens(api, revoked_cookie)

    revoked = api.client.delete(f"/v1/organizations/{org.id}/api-keys/{created['id']}", headers=api.admin)

    assert revoked.status_code == 204
    assert not _opens(api, revoked_cookie)
    assert _opens(api, kept_cookie)
    assert _opens(api, admin_cookie, "/ui/organizations")


def test_the_database_keeps_only_a_hash_of_the_session_token(api: Api, database_url: str) -> None:
    org = api.new_org()
    cookie = _sign_in(api, org.key)
    token = _token_of(cookie)

    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT token_hash, role, organization_id FROM ui_sessions")).all()
    engine.dispose()

    assert [tuple(row) for row in rows] == [
        (hashlib.sha256(token.encode()).hexdigest(), "organization", org.id)
    ]
    assert token not in str(rows)
