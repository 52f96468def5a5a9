"""Text typed into UI forms with NUL or other control characters gets the form's message, never a 500."""

from __future__ import annotations

import httpx
import pytest

from tests.support import PASSWORD, Api

VIN = "WDB9634031L738152"
HOSTILE = ["nul\x00here", "bell\x07", "\x1b[31mred", "del\x7f", "line\nbreak", "c1\x85", "\x00"]
REFUSED = "cannot contain control characters"


def _signed_in(api: Api, **credentials: str) -> str:
    """Sign in through the form (admin token, or a person's email and password); the session's CSRF token."""
    page = api.client.get("/ui/sign-in")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    signed_in = api.client.post(
        "/ui/sign-in", data={**credentials, "csrf_token": csrf}, follow_redirects=False
    )
    assert signed_in.status_code == 303, signed_in.text
    page = api.client.get("/ui/settings")
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _post(api: Api, path: str, csrf: str, **fields: str) -> httpx.Response:
    answer = api.client.post(path, data={"csrf_token": csrf, **fields}, follow_redirects=True)
    assert answer.status_code < 500, (path, fields, answer.text[:300])
    return answer


@pytest.mark.parametrize("text", HOSTILE)
def test_the_admin_forms_answer_control_characters_with_their_message(api: Api, text: str) -> None:
    csrf = _signed_in(api, token=api.admin["Authorization"].removeprefix("Bearer "))

    created = _post(api, "/ui/organizations", csrf, name=text)
    selected = _post(api, "/ui/organizations/select", csrf, organization_id=text)

    assert REFUSED in created.text and REFUSED in selected.text
    assert api.client.get("/v1/organizations", headers=api.admin).json()["data"] == []


@pytest.mark.parametrize("text", HOSTILE)
def test_the_inventory_and_portal_forms_answer_control_characters_with_their_message(
    api: Api, text: str
) -> None:
    org = api.new_org()
    asset = api.new_asset(org, vin=VIN, name="Trailer 7")
    api.new_unit(org, "tp:1")
    person = api.new_person(org, "owner")
    csrf = _signed_in(api, email=person.email, password=PASSWORD)
    subscription = {"url": "https://hooks.example.com/x", "version": "1", "event_names": "unit.paired"}

    refusals = [
        _post(api, "/ui/assets", csrf, vin="", name=text),
        _post(api, f"/ui/assets/{asset['id']}", csrf, vin=VIN, name=text),
        _post(api, "/ui/units", csrf, unit_id=text),
        _post(api, "/ui/pairings", csrf, unit_id=text, asset=asset["id"]),
        _post(api, "/ui/pairings", csrf, unit_id="tp:1", asset=text),
        _post(api, "/ui/pairings/unpair", csrf, unit_id=text),
        _post(api, "/ui/subscriptions", csrf, **{**subscription, "description": text}),
        _post(api, "/ui/subscriptions", csrf, **{**subscription, "url": text}),
        _post(api, "/ui/subscriptions", csrf, **{**subscription, "signature_header": text}),
    ]
    vin = _post(api, "/ui/assets", csrf, vin=VIN[:8] + text, name="ok")
    header = _post(api, "/ui/subscriptions", csrf, **{**subscription, "headers": f"X-A: {text}"})

    assert [answer.status_code for answer in refusals] == [422] * len(refusals)
    assert all(REFUSED in answer.text for answer in refusals)
    # A VIN is normalized (NUL padding removed) and then refused for its alphabet; a header value
    # follows RFC 9110. Both say so in their own words.
    assert vin.status_code == 422 and "VIN" in vin.text
    assert header.status_code == 422 and "X-A" in header.text
    assets = api.client.get(f"/v1/organizations/{org.id}/assets", headers=org.headers).json()["data"]
    assert [a["name"] for a in assets] == ["Trailer 7"]
