"""Members and invitations page like every list: sealed cursors bound to the organization and the list."""

from __future__ import annotations

from typing import Any

from tests.support import Api, Org


def _page(api: Api, org: Org, listing: str, **params: Any) -> Any:
    return api.client.get(f"/v1/organizations/{org.id}/{listing}", params=params, headers=api.admin)


def _walk(api: Api, org: Org, listing: str, id_of: str) -> tuple[list[str], list[str]]:
    ids, cursors, after = [], [], None
    while True:
        answer = _page(api, org, listing, limit=1, **({"after": after} if after else {}))
        assert answer.status_code == 200, answer.text
        ids += [item[id_of] for item in answer.json()["data"]]
        after = answer.json()["nextCursor"]
        if after is None:
            return ids, cursors
        cursors.append(after)


def test_members_page_with_sealed_cursors(api: Api) -> None:
    org, other = api.new_org(), api.new_org()
    people = sorted(api.new_person(org, role).id for role in ("owner", "operator", "viewer"))
    api.new_person(other, "viewer")

    ids, cursors = _walk(api, org, "members", "userId")

    assert ids == people
    # A cursor names no person, and works only for its own organization's members list.
    assert not any(person in cursor for cursor in cursors for person in people)
    for refused in (
        _page(api, org, "members", after=people[0]),
        _page(api, other, "members", after=cursors[0]),
        _page(api, org, "invitations", after=cursors[0]),
    ):
        assert (refused.status_code, refused.json()["code"]) == (422, "invalid_cursor")


def test_invitations_page_with_sealed_cursors(api: Api) -> None:
    org = api.new_org()
    made = []
    for number in range(3):
        invited = api.client.post(
            f"/v1/organizations/{org.id}/invitations",
            json={"email": f"invitee-{number}@example.com", "role": "viewer"},
            headers=api.admin,
        )
        assert invited.status_code == 201, invited.text
        made.append(invited.json()["id"])

    ids, cursors = _walk(api, org, "invitations", "id")

    assert ids == sorted(made)
    assert not any(invitation in cursor for cursor in cursors for invitation in made)
    refused = _page(api, org, "invitations", after=made[0])
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_cursor")
