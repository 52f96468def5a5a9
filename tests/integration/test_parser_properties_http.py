"""The parsers behind the API and the UI, fed arbitrary bytes over HTTP: an answer or a problem, never a 5xx.

Each value is sent percent-encoded byte for byte, so invalid UTF-8 and NUL reach the server as a
client could send them. Runs on SQLite and PostgreSQL (PostgreSQL refuses NUL and bad UTF-8 in text).
"""

from __future__ import annotations

from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support import PASSWORD, Api, Org, Person

EXAMPLES = 50
any_bytes = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=40).map(str.encode),
    st.text("0123456789", min_size=1, max_size=40).map(str.encode),
)
http_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # One organization serves every example: nothing here writes.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def org(api: Api) -> Org:
    """An organization with a key."""
    return api.new_org()


@pytest.fixture
def person(api: Api, org: Org) -> Person:
    """A viewer of the organization, who signs in to the UI."""
    return api.new_person(org, "viewer")


def _refused_or_served(status: int, refusals: set[int]) -> bool:
    return status == 200 or status in refusals


@http_settings
@given(raw=any_bytes)
@example(raw="²".encode())
@example(raw=b"9" * 40)
def test_any_limit_is_a_page_or_a_problem(api: Api, org: Org, raw: bytes) -> None:
    for path in ("assets", "units", "events", "pairings/history", "subscriptions"):
        answer = api.client.get(
            f"/v1/organizations/{org.id}/{path}?limit={quote_from_bytes(raw)}", headers=org.headers
        )
        assert _refused_or_served(answer.status_code, {400, 422}), (path, answer.text)
        if answer.status_code != 200:
            assert answer.headers["content-type"] == "application/problem+json"


@http_settings
@given(raw=any_bytes)
@example(raw="①".encode())
@example(raw=b"1" * 30)
@example(raw=b"\xff\xfe")
def test_any_cursor_is_a_page_or_a_problem(api: Api, org: Org, raw: bytes) -> None:
    for path in ("assets", "units", "events", "pairings/history", "subscriptions"):
        answer = api.client.get(
            f"/v1/organizations/{org.id}/{path}?after={quote_from_bytes(raw)}", headers=org.headers
        )
        assert _refused_or_served(answer.status_code, {400, 422}), (path, answer.text)


@http_settings
@given(raw=any_bytes)
@example(raw=b"tp:1\n")
@example(raw=b"tp:1\x00")
@example(raw="tp:\u0661".encode())
def test_any_unit_id_in_a_path_or_a_query_is_found_or_a_problem(api: Api, org: Org, raw: bytes) -> None:
    encoded = quote_from_bytes(raw, safe="")
    unit = api.client.get(f"/v1/organizations/{org.id}/units/{encoded}", headers=org.headers)
    history = api.client.get(
        f"/v1/organizations/{org.id}/pairings/history?unitId={encoded}", headers=org.headers
    )
    # An empty id lists the units; the others name no unit of this organization.
    assert _refused_or_served(unit.status_code, {400, 404, 405, 422}), unit.text
    assert _refused_or_served(history.status_code, {400, 422}), history.text


@http_settings
@given(raw=any_bytes)
@example(raw="²".encode())
@example(raw=b"9" * 30)
def test_any_before_on_the_ui_pages_shows_a_page(api: Api, person: Person, raw: bytes) -> None:
    if "pairhub_ui" not in api.client.cookies:
        sign_in = api.client.get("/ui/sign-in").text
        csrf = sign_in.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        signed_in = api.client.post(
            "/ui/sign-in",
            data={"email": person.email, "password": PASSWORD, "csrf_token": csrf},
            follow_redirects=False,
        )
        assert signed_in.status_code == 303, signed_in.text
    page = api.client.get(f"/ui/events?before={quote_from_bytes(raw)}", follow_redirects=False)
    # NUL is refused for every URL (400) before any page parses it.
    assert page.status_code == 200 or (b"\x00" in raw and page.status_code == 400), page.text[:300]
