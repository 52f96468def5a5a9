"""`GET .../units/{unitId}/attempts` explains each auto-pairing outcome, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.support import Api, Org

VIN = "1HGCM82633A000001"
NORTH_AMERICAN_VIN = "1M8GDM9AXKP042788"
"""A VIN whose check digit holds (the seed's own example does not)."""


def _attempts(api: Api, org: Org, unit_id: str, **params: Any) -> Any:
    return api.client.get(
        f"/v1/organizations/{org.id}/units/{unit_id}/attempts", params=params, headers=org.headers
    )


def _last(api: Api, org: Org, unit_id: str) -> dict[str, Any]:
    response = _attempts(api, org, unit_id)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data[0]


def _setup(api: Api, *vins: str) -> tuple[Org, list[str]]:
    org = api.new_org(autoPairingEnabled=True)
    return org, [api.new_asset(org, vin=vin)["id"] for vin in vins]


def test_an_exact_match_is_explained_with_what_normalization_removed(api: Api) -> None:
    org, (asset,) = _setup(api, NORTH_AMERICAN_VIN)
    api.new_unit(org, "tp:1")

    api.send({"unitId": "tp:1", "vin": " 1m8gdm-9axkp042788*\xff\xff"})

    attempt = _last(api, org, "tp:1")
    assert attempt["outcome"] == "AutoPair"
    assert attempt["rule"] == "exact"
    assert attempt["assetId"] == asset
    assert attempt["rawVin"] == " 1m8gdm-9axkp042788*\xff\xff"
    assert attempt["normalizedVin"] == NORTH_AMERICAN_VIN
    assert attempt["removedByNormalization"] == [
        "everything from the '*' terminator on (3 characters)",
        "whitespace",
        "'-'",
        "lowercase (uppercased)",
    ]
    assert attempt["checkDigitValid"] is True
    assert attempt["candidates"] == [
        {"assetId": asset, "assetVin": NORTH_AMERICAN_VIN, "rule": "exact", "differingPosition": None}
    ]


def test_a_truncated_vin_is_explained_as_p1(api: Api) -> None:
    org, (asset,) = _setup(api, VIN)
    api.new_unit(org, "tp:1")

    api.send({"unitId": "tp:1", "vin": "A000001"})

    attempt = _last(api, org, "tp:1")
    assert (attempt["outcome"], attempt["rule"], attempt["assetId"]) == ("AutoPair", "P1", asset)
    assert attempt["checkDigitValid"] is None
    assert attempt["candidates"][0]["rule"] == "P1"


def test_one_typo_is_explained_as_p2_with_the_differing_position(api: Api) -> None:
    org, (asset,) = _setup(api, VIN)
    api.new_unit(org, "tp:1")

    api.send({"unitId": "tp:1", "vin": "1HGCM82683A000001"})

    attempt = _last(api, org, "tp:1")
    assert (attempt["outcome"], attempt["rule"], attempt["assetId"]) == ("AutoPair", "P2", asset)
    assert attempt["candidates"] == [
        {"assetId": asset, "assetVin": VIN, "rule": "P2", "differingPosition": 9}
    ]
    assert attempt["checkDigitValid"] is False, "the seed's VIN fails its check digit, and so does the typo"


def test_multiple_matches_list_every_candidate_and_its_rule(api: Api) -> None:
    org, assets = _setup(api, "WDB9634031LF3D001", "YV2A4C2A1VBF3D001")
    api.new_unit(org, "krone:1")

    api.send({"unitId": "krone:1", "vin": "F3D001"})

    attempt = _last(api, org, "krone:1")
    assert (attempt["outcome"], attempt["rule"], attempt["assetId"]) == ("MultipleMatchFound", "P1", None)
    assert sorted((c["assetId"], c["rule"]) for c in attempt["candidates"]) == sorted(
        (asset, "P1") for asset in assets
    )


def test_invalid_data_names_the_reason(api: Api) -> None:
    org, _ = _setup(api, VIN)
    for unit_id in ("tp:1", "tp:2", "tp:3"):
        api.new_unit(org, unit_id)

    api.send(
        {"unitId": "tp:1", "vin": "1HGCM82633O000001"},
        {"unitId": "tp:2", "vin": "XXXXXX"},
        {"unitId": "tp:3", "vin": None},
    )

    typo = _last(api, org, "tp:1")
    assert (typo["outcome"], typo["rule"]) == ("InvalidData", "invalid")
    assert typo["invalidReason"] == "characters outside the VIN alphabet: 'O'"
    assert _last(api, org, "tp:2")["invalidReason"] == "one repeated character"
    null = _last(api, org, "tp:3")
    assert (null["rawVin"], null["invalidReason"]) == (None, "no VIN reported (null)")


def test_attempts_are_newest_first_paginated_and_tenant_isolated(api: Api) -> None:
    org, _ = _setup(api, VIN)
    other = api.new_org()
    api.new_unit(org, "tp:1")
    for vin in ("F3A000001", "F3A000002", "F3A000003"):
        api.send({"unitId": "tp:1", "vin": vin})

    first = _attempts(api, org, "tp:1", limit=2).json()
    second = _attempts(api, org, "tp:1", limit=2, after=first["nextCursor"]).json()

    assert [a["normalizedVin"] for a in first["data"] + second["data"]] == [
        "F3A000003",
        "F3A000002",
        "F3A000001",
    ]
    assert [a["outcome"] for a in first["data"]] == ["NotFound", "NotFound"]
    assert second["nextCursor"] is None
    assert _attempts(api, other, "tp:1").status_code == 404
    assert _attempts(api, org, "tp:404").status_code == 404
