"""Feed cursors are opaque: they reveal nothing of other organizations' volume and open only for theirs."""

from __future__ import annotations

from tests.support import Api, Org

VIN = "WDB9634031L738152"


def _pair_and_unpair(api: Api, org: Org, times: int) -> str:
    """Pair and unpair a new unit `times` times; the asset's id."""
    asset = api.new_asset(org, vin=VIN)
    unit_id = f"tp:{org.id[:8]}"
    api.new_unit(org, unit_id)
    for _ in range(times):
        api.pair(org, unit_id, asset["id"])
        api.unpair(org, unit_id)
    return str(asset["id"])


def _feed(api: Api, org: Org, **params: object) -> dict[str, object]:
    answer = api.client.get(f"/v1/organizations/{org.id}/events", params=params, headers=org.headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, object] = answer.json()
    return result


def test_cursors_are_opaque_and_do_not_move_with_other_organizations(api: Api) -> None:
    quiet, busy = api.new_org("Quiet"), api.new_org("Busy")
    asset_id = _pair_and_unpair(api, quiet, 1)
    _pair_and_unpair(api, busy, 10)
    api.pair(quiet, f"tp:{quiet.id[:8]}", asset_id)

    items = _feed(api, quiet)["data"]
    cursors = [item["cursor"] for item in items]  # type: ignore[index, union-attr]

    assert len(cursors) == 3 and len(set(cursors)) == 3
    assert not any(cursor.isdigit() for cursor in cursors)
    # A cursor holds nothing a reader can subtract: the 20 events of the other organization in between
    # leave no trace, and each cursor reads on from where it stands.
    assert _feed(api, quiet, after=cursors[1])["data"] == items[2:]


def test_another_organizations_cursor_is_refused_with_a_problem(api: Api) -> None:
    mine, theirs = api.new_org("Mine"), api.new_org("Theirs")
    _pair_and_unpair(api, theirs, 1)
    their_cursor = _feed(api, theirs)["data"][0]["cursor"]  # type: ignore[index]

    answer = api.client.get(
        f"/v1/organizations/{mine.id}/events", params={"after": their_cursor}, headers=mine.headers
    )
    history = api.client.get(
        f"/v1/organizations/{theirs.id}/pairings/history",
        params={"after": their_cursor},
        headers=theirs.headers,
    )

    assert answer.status_code == 422 and answer.json()["code"] == "invalid_cursor"
    assert answer.headers["content-type"] == "application/problem+json"
    assert history.status_code == 422  # an events cursor is not a pairing-history cursor


def test_history_pages_with_opaque_cursors(api: Api) -> None:
    org = api.new_org()
    _pair_and_unpair(api, org, 3)
    path = f"/v1/organizations/{org.id}/pairings/history"

    first = api.client.get(path, params={"limit": 2}, headers=org.headers).json()
    rest = api.client.get(path, params={"limit": 2, "after": first["nextCursor"]}, headers=org.headers).json()

    assert len(first["data"]) == 2 and len(rest["data"]) == 1 and rest["nextCursor"] is None
    assert not first["nextCursor"].isdigit()
