"""Organizations, keys, assets and units: every rule, status code and problem code of the API."""

from __future__ import annotations

from tests.support import Api

VIN = "1HGCM82633A000001"


def test_no_token_or_unknown_token_is_401_problem(api: Api) -> None:
    missing = api.client.get("/v1/organizations")
    unknown = api.client.get("/v1/organizations", headers={"Authorization": "Bearer phk_nope"})

    for response in (missing, unknown):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "unauthorized"


def test_only_admin_creates_organizations_and_owners_keys(api: Api) -> None:
    org = api.new_org()
    refused = api.client.post("/v1/organizations", json={"name": "x"}, headers=org.headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "admin_only"
    # A full-scope key acts as an operator: keys are an owner's business.
    denied = api.client.post(f"/v1/organizations/{org.id}/api-keys", headers=org.headers)
    assert denied.status_code == 403
    assert denied.json()["code"] == "forbidden"


def test_revoked_key_stops_working_and_keys_are_stored_hashed(api: Api) -> None:
    org = api.new_org()
    created = api.client.post(f"/v1/organizations/{org.id}/api-keys", headers=api.admin).json()
    headers = {"Authorization": f"Bearer {created['key']}"}
    assert api.client.get(f"/v1/organizations/{org.id}", headers=headers).status_code == 200

    revoked = api.client.delete(f"/v1/organizations/{org.id}/api-keys/{created['id']}", headers=api.admin)

    assert revoked.status_code == 204
    assert api.client.get(f"/v1/organizations/{org.id}", headers=headers).status_code == 401
    container = api.client.app.state.container  # type: ignore[attr-defined]
    with container.database.read() as connection:
        stored = connection.exec_driver_sql("SELECT key_hash FROM api_keys").scalars().all()
    assert created["key"] not in stored
    assert all(len(value) == 64 for value in stored)


def test_organization_may_switch_auto_pairing_but_not_its_datahub_flag(api: Api) -> None:
    org = api.new_org()
    path = f"/v1/organizations/{org.id}"

    switched = api.client.patch(path, json={"autoPairingEnabled": True}, headers=org.headers)
    refused = api.client.patch(path, json={"datahubSubscriptionActive": False}, headers=org.headers)
    by_admin = api.client.patch(path, json={"datahubSubscriptionActive": False}, headers=api.admin)

    assert switched.status_code == 200 and switched.json()["autoPairingEnabled"] is True
    assert refused.status_code == 403
    assert by_admin.json()["datahubSubscriptionActive"] is False


def test_asset_vin_is_normalized_validated_and_unique(api: Api) -> None:
    org = api.new_org()
    path = f"/v1/organizations/{org.id}/assets"

    created = api.client.post(path, json={"vin": " 1hgcm-82633a000001 "}, headers=org.headers)
    duplicate = api.client.post(path, json={"vin": VIN}, headers=org.headers)
    with_i = api.client.post(path, json={"vin": "1HGCM82633I000001"}, headers=org.headers)
    short = api.client.post(path, json={"vin": "1HGCM8263"}, headers=org.headers)
    other_org = api.new_org("Other")
    same_vin_elsewhere = api.client.post(
        f"/v1/organizations/{other_org.id}/assets", json={"vin": VIN}, headers=other_org.headers
    )

    assert created.status_code == 201
    assert created.json()["vin"] == VIN
    assert created.json()["checkDigitValid"] is False, "the seed's own VIN fails the check digit"
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate_vin"
    assert with_i.status_code == 422 and with_i.json()["code"] == "invalid_vin"
    assert short.status_code == 422 and short.json()["code"] == "invalid_vin"
    assert same_vin_elsewhere.status_code == 201


def test_check_digit_is_reported_not_enforced(api: Api) -> None:
    org = api.new_org()
    assert api.new_asset(org, vin="1HGCM82633A004352")["checkDigitValid"] is True
    assert api.new_asset(org, name="No VIN")["checkDigitValid"] is None


def test_asset_patch_and_filters(api: Api) -> None:
    org = api.new_org()
    asset = api.new_asset(org, vin=VIN, name="Reefer 7")
    other = api.new_asset(org, vin="WDB9634031L738192", name="Flatbed 2")
    api.new_unit(org, "tp:1")
    api.pair(org, "tp:1", asset["id"])
    path = f"/v1/organizations/{org.id}/assets"

    renamed = api.client.patch(f"{path}/{other['id']}", json={"name": "Flatbed 3"}, headers=org.headers)
    clash = api.client.patch(f"{path}/{other['id']}", json={"vin": VIN}, headers=org.headers)
    paired = api.client.get(path, params={"paired": "true"}, headers=org.headers).json()["data"]
    unpaired = api.client.get(path, params={"paired": "false"}, headers=org.headers).json()["data"]
    by_vin = api.client.get(path, params={"vin": VIN.lower()}, headers=org.headers).json()["data"]
    by_name = api.client.get(path, params={"q": "reefer"}, headers=org.headers).json()["data"]

    assert renamed.json()["name"] == "Flatbed 3"
    assert clash.status_code == 409
    assert [a["id"] for a in paired] == [asset["id"]]
    assert paired[0]["unitIds"] == ["tp:1"]
    assert [a["id"] for a in unpaired] == [other["id"]]
    assert [a["id"] for a in by_vin] == [asset["id"]]
    assert [a["id"] for a in by_name] == [asset["id"]]


def test_asset_with_units_cannot_be_deleted_until_unpaired(api: Api) -> None:
    org = api.new_org()
    asset = api.new_asset(org, vin=VIN)
    api.new_unit(org, "tp:1")
    api.pair(org, "tp:1", asset["id"])
    path = f"/v1/organizations/{org.id}/assets/{asset['id']}"

    refused = api.client.delete(path, headers=org.headers)
    api.unpair(org, "tp:1")
    deleted = api.client.delete(path, headers=org.headers)

    assert refused.status_code == 409 and refused.json()["code"] == "asset_has_paired_units"
    assert deleted.status_code == 204
    assert api.client.get(path, headers=org.headers).status_code == 404


def test_unit_ids_are_validated_and_unique_across_the_service(api: Api) -> None:
    org = api.new_org()
    other = api.new_org("Other")
    path = f"/v1/organizations/{org.id}/units"

    bad = [
        api.client.post(path, json={"unitId": bad}, headers=org.headers)
        for bad in ("TP:1", "tp1", "tp:", "tp:1-2")
    ]
    api.new_unit(org, "tp:890123847562332")
    taken = api.client.post(
        f"/v1/organizations/{other.id}/units", json={"unitId": "tp:890123847562332"}, headers=other.headers
    )

    assert {response.status_code for response in bad} == {422}
    assert {response.json()["code"] for response in bad} == {"invalid_unit_id"}
    assert taken.status_code == 409 and taken.json()["code"] == "unit_exists"


def test_paired_unit_cannot_be_deleted(api: Api) -> None:
    org = api.new_org()
    asset = api.new_asset(org, vin=VIN)
    api.new_unit(org, "tp:1")
    api.pair(org, "tp:1", asset["id"])

    refused = api.client.delete(f"/v1/organizations/{org.id}/units/tp:1", headers=org.headers)

    assert refused.status_code == 409 and refused.json()["code"] == "unit_is_paired"


def test_snapshot_history_and_pagination(api: Api) -> None:
    org = api.new_org()
    asset = api.new_asset(org, vin=VIN)
    for serial in range(3):
        api.new_unit(org, f"tp:{serial}")
        api.pair(org, f"tp:{serial}", asset["id"])
    api.unpair(org, "tp:1")
    base = f"/v1/organizations/{org.id}/pairings"

    first = api.client.get(base, params={"limit": 1}, headers=org.headers).json()
    second = api.client.get(
        base, params={"limit": 1, "after": first["nextCursor"]}, headers=org.headers
    ).json()
    history = api.client.get(f"{base}/history", headers=org.headers).json()["data"]

    assert [p["unitId"] for p in first["data"] + second["data"]] == ["tp:0", "tp:2"]
    assert second["nextCursor"] is None
    assert [(h["unitId"], h["unpairedAt"] is None) for h in history] == [
        ("tp:0", True),
        ("tp:1", False),
        ("tp:2", True),
    ]
    assert history[1]["pairedBy"] == "ManualPair"


def test_bad_input_is_a_problem_never_a_500(api: Api) -> None:
    org = api.new_org()
    path = f"/v1/organizations/{org.id}/assets"
    headers = {**org.headers, "content-type": "application/json"}

    malformed = api.client.post(path, content=b'{"vin": ', headers=headers)
    unknown = api.client.post(path, json={"vin": VIN, "colour": "red"}, headers=org.headers)
    wrong_type = api.client.post(path, json={"vin": 17}, headers=org.headers)
    huge = api.client.post(path, content=b"[" + b"1," * 2_000_000 + b"1]", headers=headers)
    bad_cursor = api.client.get(
        f"/v1/organizations/{org.id}/events", params={"after": "x"}, headers=org.headers
    )

    assert malformed.status_code == 400 and malformed.json()["code"] == "malformed_json"
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_field"
    assert wrong_type.status_code == 422 and wrong_type.json()["code"] == "validation_error"
    assert huge.status_code == 413 and huge.json()["code"] == "payload_too_large"
    assert bad_cursor.status_code == 422 and bad_cursor.json()["code"] == "invalid_cursor"


def test_feed_pages_with_cursors_in_order(api: Api) -> None:
    org = api.new_org()
    asset = api.new_asset(org, vin=VIN)
    api.new_unit(org, "tp:1")
    for _ in range(3):
        api.pair(org, "tp:1", asset["id"])
        api.unpair(org, "tp:1")
    path = f"/v1/organizations/{org.id}/events"

    first = api.client.get(path, params={"limit": 4}, headers=org.headers).json()
    rest = api.client.get(path, params={"limit": 4, "after": first["nextCursor"]}, headers=org.headers).json()

    types = [item["eventType"] for item in first["data"] + rest["data"]]
    assert types == ["unit.paired", "unit.unpaired"] * 3
    assert rest["nextCursor"] is None
    cursors = [item["cursor"] for item in first["data"] + rest["data"]]
    assert len(set(cursors)) == 6 and first["nextCursor"] == cursors[3]
