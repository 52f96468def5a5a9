"""Requests an attacker would send: each gets a clear problem or a safe page, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pairhub.adapters.sql import migrate
from pairhub.adapters.sql.engine import make_engine
from tests.support import Api


def test_a_chunked_body_over_the_limit_is_413(api: Api) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(300):
            yield b" " * 10_000

    org = api.new_org()
    response = api.client.post(
        f"/v1/organizations/{org.id}/assets",
        content=chunks(),
        headers={**org.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_ui_pages_cannot_be_framed_and_sniffing_is_off(api: Api) -> None:
    page = api.client.get("/ui/sign-in")
    assert page.status_code == 200
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize("cookie", ["ünïcode.sig", "eyJ9.²", "a.b.c\u00ff"])
def test_a_session_cookie_with_non_ascii_bytes_signs_nobody_in(api: Api, cookie: str) -> None:
    raw = b"pairhub_ui=" + cookie.encode()  # UTF-8 bytes on the wire, as a browser could send them
    page = api.client.get("/ui/assets", headers={"Cookie": raw}, follow_redirects=False)  # type: ignore[dict-item]
    assert page.status_code == 303
    assert page.headers["location"].startswith("/ui/sign-in")


@pytest.mark.postgres
def test_a_percent_encoded_database_password_migrates(postgres_url_fresh: str) -> None:
    role, password = "pairhub_percent", "p@ss%word"
    admin = create_engine(postgres_url_fresh, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
        connection.execute(text(f"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{password}'"))
    admin.dispose()
    url = make_url(postgres_url_fresh)
    percent_url = (
        f"postgresql+psycopg://{role}:{quote(password, safe='')}@{url.host}:{url.port or 5432}/{url.database}"
    )
    assert "%40" in percent_url
    engine = make_engine(percent_url)
    try:
        migrate.upgrade(engine)
        assert migrate.is_at_head(engine)
    finally:
        engine.dispose()
