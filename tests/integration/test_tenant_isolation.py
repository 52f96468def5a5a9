"""One organization never sees or touches another's data, on every organization endpoint."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.support import Api, Org

UNIT = "tp:890123847562332"
VIN = "1HGCM82633A000001"


def _victim(api: Api) -> tuple[Org, dict[str, str]]:
    org = api.new_org("Victim Haulage")
    asset = api.new_asset(org, vin=VIN, name="Victim trailer")
    api.new_unit(org, UNIT)
    assert api.pair(org, UNIT, asset["id"]).status_code == 201
    key = api.client.post(f"/v1/organizations/{org.id}/api-keys", headers=api.admin).json()
    ids = {"org_id": org.id, "asset_id": asset["id"], "unit_id": UNIT, "key_id": key["id"]}
    listed = api.client.get(f"/v1/organizations/{org.id}/subscriptions", headers=org.headers)
    if listed.status_code == 200 and listed.json()["data"]:
        ids["sub_id"] = listed.json()["data"][0]["id"]
    return org, ids


def _organization_routes(api: Api) -> list[tuple[str, str]]:
    paths = api.client.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), path)
        for path, operations in sorted(paths.items())
        if "{org_id}" in path
        for method in sorted(operations)
    ]


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), str(uuid.uuid4())), path)


def _body(ids: dict[str, str]) -> dict[str, Any]:
    # A plausible body for any write: the checks must refuse before the body matters.
    return {"unitId": ids["unit_id"], "assetId": ids["asset_id"]}


def test_every_organization_endpoint_refuses_another_organizations_key(api: Api) -> None:
    victim, ids = _victim(api)
    intruder = api.new_org("Intruder Logistics")
    events_before = api.feed(victim)
    routes = _organization_routes(api)
    assert len(routes) >= 15, routes

    for method, template in routes:
        path = _fill(template, ids)
        body = _body(ids) if method in ("POST", "PATCH", "PUT") else None
        response = api.client.request(method, path, json=body, headers=intruder.headers)

        assert response.status_code in (403, 404), (method, path, response.status_code, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        text = response.text
        for secret in (ids["asset_id"], VIN, "Victim trailer", "Victim Haulage"):
            assert secret not in text, (method, path, text)

    assert api.feed(victim) == events_before
    unit = api.client.get(f"/v1/organizations/{victim.id}/units/{UNIT}", headers=victim.headers).json()
    assert unit["assetId"] == ids["asset_id"]


def test_cross_organization_references_in_bodies_look_like_missing_objects(api: Api) -> None:
    _, ids = _victim(api)
    intruder = api.new_org("Intruder Logistics")
    own_asset = api.new_asset(intruder, vin="WDB9634031L738192")
    api.new_unit(intruder, "tp:1")

    foreign_unit = api.pair(intruder, ids["unit_id"], own_asset["id"])
    foreign_asset = api.pair(intruder, "tp:1", ids["asset_id"])

    assert foreign_unit.status_code == 404
    assert foreign_unit.json()["code"] == "unit_not_found"
    assert foreign_asset.status_code == 404
    assert foreign_asset.json()["code"] == "asset_not_found"


def test_organization_list_shows_only_the_callers_own(api: Api) -> None:
    victim, _ = _victim(api)
    intruder = api.new_org("Intruder Logistics")

    listed = api.client.get("/v1/organizations", headers=intruder.headers).json()["data"]
    everything = api.client.get("/v1/organizations", headers=api.admin).json()["data"]

    assert [org["id"] for org in listed] == [intruder.id]
    assert {org["id"] for org in everything} == {victim.id, intruder.id}


def test_ingest_token_reaches_no_organization_endpoint(api: Api) -> None:
    _, ids = _victim(api)
    ingest = {"Authorization": "Bearer test-ingest-token"}
    for method, template in _organization_routes(api):
        response = api.client.request(method, _fill(template, ids), headers=ingest)
        assert response.status_code in (403, 404), (method, template, response.status_code)
    assert api.client.get("/v1/organizations", headers=ingest).status_code == 403
