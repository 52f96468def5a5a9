"""Requests an attacker would send: each gets a clear problem or a safe page, never a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pairhub.adapters import logging as pairhub_logging
from pairhub.bootstrap import Container
from pairhub.domain.access import Action
from pairhub.entrypoints import policies
from pairhub.entrypoints.api.app import create_app
from tests.support import PASSWORD, Api


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


@pytest.mark.parametrize("cursor", ["²", "①", "1" * 30, "١٢", "-1", " 1", "1", "A" * 32])
def test_cursors_that_are_not_ours_are_422_never_500(api: Api, cursor: str) -> None:
    org = api.new_org()
    for path in ("events", "pairings/history"):
        answer = api.client.get(
            f"/v1/organizations/{org.id}/{path}", params={"after": cursor}, headers=org.headers
        )
        assert answer.status_code == 422, (path, answer.text)
        assert answer.json()["code"] == "invalid_cursor"


@pytest.mark.parametrize("before", ["²", "①", "9" * 30])
def test_the_ui_pages_take_any_before_value(api: Api, before: str) -> None:
    person = api.new_person(api.new_org(), "viewer")
    sign_in_page = api.client.get("/ui/sign-in")
    csrf = sign_in_page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    signed_in = api.client.post(
        "/ui/sign-in",
        data={"email": person.email, "password": PASSWORD, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303, signed_in.text
    page = api.client.get("/ui/events", params={"before": before}, follow_redirects=False)
    assert page.status_code == 200, page.text[:300]
    # The asset and time filters take odd text too: a refusal in words, never an error page.
    odd = {
        "asset": before,
        "since": before,
        "since_tz": before,
        "until": "2025-05-13T15:18",
        "until_tz": before,
    }
    page = api.client.get("/ui/events", params=odd, follow_redirects=False)
    assert page.status_code == 200, page.text[:300]
    assert f"No asset has the VIN or id {before}." in page.text and "for From and To" in page.text


def test_a_unit_id_with_a_trailing_newline_is_refused(api: Api) -> None:
    org = api.new_org()
    answer = api.client.post(
        f"/v1/organizations/{org.id}/units", json={"unitId": "tp:123\n"}, headers=org.headers
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_unit_id"


@pytest.mark.parametrize("control", ["\x01", "\x0b", "\x7f", "\x00"])
def test_custom_header_values_with_control_characters_are_refused(api: Api, control: str) -> None:
    org = api.new_org()
    answer = api.client.post(
        f"/v1/organizations/{org.id}/subscriptions",
        json={
            "url": "http://127.0.0.1:9/hook",
            "eventVersion": 1,
            "eventNames": ["unit.paired"],
            "customHeaders": {"X-Token": f"abc{control}def"},
        },
        headers=org.headers,
    )
    assert answer.status_code == 422, answer.text


def test_nul_characters_are_refused_in_bodies_paths_and_queries(api: Api) -> None:
    org = api.new_org()
    base = f"/v1/organizations/{org.id}"
    named = api.client.post(base + "/assets", json={"name": "Reefer\x00 7"}, headers=org.headers)
    renamed = api.client.post("/v1/organizations", json={"name": "Acme\x00"}, headers=api.admin)
    path = api.client.get(base + "/units/tp:1%00", headers=org.headers)
    query = api.client.get(base + "/pairings/history", params={"unitId": "tp:\x001"}, headers=org.headers)
    assets = api.client.get(base + "/assets", params={"q": "a\x00"}, headers=org.headers)
    assert (named.status_code, renamed.status_code) == (422, 422)
    assert (path.status_code, query.status_code, assets.status_code) == (400, 400, 400)


def test_an_unexpected_error_is_one_json_log_line_with_the_request_id(
    container: Container, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(container)
    # A route without an entry in the policy table is refused for everyone: declare this one public.
    monkeypatch.setitem(policies.API_ACTIONS, ("GET", "/boom"), Action.PUBLIC)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("unexpected")

    pairhub_logging.configure("json")
    try:
        with TestClient(app) as client:
            capsys.readouterr()
            response = client.get("/boom", headers={"X-Request-ID": "req-42"})
            stray = client.get("/boom", headers={"X-Request-ID": "a\tb²".encode()})
    finally:
        pairhub_logging.configure("console")
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]

    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert response.headers["x-request-id"] == "req-42"
    assert stray.headers["x-request-id"] != "a\tb²" and len(stray.headers["x-request-id"]) == 32
    records = [json.loads(line) for line in lines]  # every line is JSON: no plain-text traceback
    errors = [record for record in records if record["event"] == "unhandled_error"]
    assert [record["request_id"] for record in errors] == ["req-42", stray.headers["x-request-id"]]
    assert "RuntimeError: unexpected" in errors[0]["exception"]


@pytest.mark.parametrize("headers", ['{"X-Token": "a\\udcffb"}', '{"X-\\udcff": "token"}'])
def test_a_lone_surrogate_in_a_custom_header_is_refused_not_stored(api: Api, headers: str) -> None:
    # JSON can spell a lone surrogate (`\udcff`); UTF-8, and so every HTTP request, cannot carry one.
    org = api.new_org()
    body = (
        '{"url": "http://127.0.0.1:9/hook", "eventVersion": 1, "eventNames": ["unit.paired"],'
        f' "customHeaders": {headers}}}'
    )
    answer = api.client.post(
        f"/v1/organizations/{org.id}/subscriptions",
        content=body.encode(),
        headers={**org.headers, "Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "invalid_custom_header"
    listed = api.client.get(f"/v1/organizations/{org.id}/subscriptions", headers=org.headers)
    assert listed.json()["data"] == []
