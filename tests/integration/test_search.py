"""Search by any part of an id, VIN or name, case-insensitive, on both backends, and its indexes."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import text

from pairhub.adapters.sql.engine import make_engine
from pairhub.adapters.sql.migrate import alembic_config
from pairhub.entrypoints.ui import listing
from tests.support import PASSWORD, Api, Org


def _assets(api: Api, org: Org, q: str) -> list[str]:
    response = api.client.get(f"/v1/organizations/{org.id}/assets", params={"q": q}, headers=org.headers)
    assert response.status_code == 200, response.text
    return sorted(item["vin"] or item["name"] for item in response.json()["data"])


def _units(api: Api, org: Org, q: str, **params: Any) -> list[str]:
    response = api.client.get(
        f"/v1/organizations/{org.id}/units", params={"q": q, **params}, headers=org.headers
    )
    assert response.status_code == 200, response.text
    return [item["unitId"] for item in response.json()["data"]]


def test_assets_are_found_by_any_part_of_the_vin_or_the_name_ignoring_case(api: Api) -> None:
    org, other = api.new_org(), api.new_org("Other")
    api.new_asset(org, vin="1HGCM82633A004352", name="Reefer North 12")
    api.new_asset(org, vin="WDB9634031L738192", name="Curtainsider 7")
    api.new_asset(org, name="100% trailer_x")
    api.new_asset(other, vin="1HGCM82633A999999", name="Reefer of another organization")

    assert _assets(api, org, "82633a00") == ["1HGCM82633A004352"]  # inside the VIN, lower case
    assert _assets(api, org, "1hg-cm8") == ["1HGCM82633A004352"]  # a VIN fragment is normalized
    assert _assets(api, org, "rEEfer") == ["1HGCM82633A004352"]  # inside the name
    assert _assets(api, org, "north 1") == ["1HGCM82633A004352"]
    assert _assets(api, org, "38192") == ["WDB9634031L738192"]
    assert _assets(api, org, "L7") == ["WDB9634031L738192"]  # two characters: below the index, scanned
    assert _assets(api, org, "0%") == ["100% trailer_x"]  # % and _ are literal
    assert _assets(api, org, "r_x") == ["100% trailer_x"]
    assert _assets(api, org, "a_b") == []
    assert _assets(api, org, "999999") == []  # never another organization's


def test_the_search_follows_a_changed_vin_or_name_and_a_deleted_asset(api: Api) -> None:
    org = api.new_org()
    asset = api.new_asset(org, vin="1HGCM82633A004352", name="Old name")
    gone = api.new_asset(org, vin="WDB9634031L738192", name="Gone soon")

    changed = api.client.patch(
        f"/v1/organizations/{org.id}/assets/{asset['id']}",
        json={"vin": "YV2AS02A6CB123456", "name": "New name"},
        headers=org.headers,
    )
    deleted = api.client.delete(f"/v1/organizations/{org.id}/assets/{gone['id']}", headers=org.headers)

    assert (changed.status_code, deleted.status_code) == (200, 204)
    assert _assets(api, org, "633a004") == []
    assert _assets(api, org, "old name") == []
    assert _assets(api, org, "cb1234") == ["YV2AS02A6CB123456"]
    assert _assets(api, org, "new nam") == ["YV2AS02A6CB123456"]
    assert _assets(api, org, "gone") == []


def test_units_are_found_by_any_part_of_the_id_ignoring_case(api: Api) -> None:
    org, other = api.new_org(), api.new_org("Other")
    for unit_id in ("tp:890123847562305", "tp:111111111111111", "cb:8901abc"):
        api.new_unit(org, unit_id)
    api.new_unit(other, "tp:890123000000000")

    assert _units(api, org, "tp:8901") == ["tp:890123847562305"]
    assert _units(api, org, "TP:890123847562305") == ["tp:890123847562305"]
    assert _units(api, org, "8901") == ["cb:8901abc", "tp:890123847562305"]
    assert _units(api, org, "ABC") == ["cb:8901abc"]
    assert _units(api, org, "8901", limit=1) == ["cb:8901abc"]
    assert _units(api, org, "%") == []
    too_long = api.client.get(
        f"/v1/organizations/{org.id}/units", params={"q": "x" * 101}, headers=org.headers
    )
    assert too_long.status_code == 422


def test_a_fragment_is_looked_up_in_a_trigram_index(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        engine = make_engine(database_url)
        with engine.connect() as connection:
            indexes = {
                row[0]
                for row in connection.execute(
                    text("SELECT indexname FROM pg_indexes WHERE tablename = 'assets'")
                )
            }
        engine.dispose()
        assert {"ix_assets_vin_trgm", "ix_assets_name_trgm"} <= indexes
        return
    engine = make_engine(database_url)
    with engine.connect() as connection:
        plan = connection.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT id FROM assets WHERE rowid IN "
                "(SELECT rowid FROM assets_search WHERE assets_search MATCH 'vin : \"ABCDEF\"')"
            )
        ).all()
    engine.dispose()
    assert any("VIRTUAL TABLE INDEX" in str(row) for row in plan), plan


def test_migration_0013_indexes_the_assets_stored_before_it(database_url: str) -> None:
    engine = make_engine(database_url)
    config = alembic_config(engine)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0010_people")
            connection.execute(text("INSERT INTO organizations VALUES ('o1', 'Acme', false, true, 0)"))
            connection.execute(
                text(
                    "INSERT INTO assets (id, organization_id, vin, name, created_at, updated_at) "
                    "VALUES ('a1', 'o1', '1HGCM82633A004352', 'Early reefer', 0, 0)"
                )
            )
            command.upgrade(config, "head")
            if engine.dialect.name == "sqlite":
                found = connection.execute(
                    text("SELECT rowid FROM assets_search WHERE assets_search MATCH 'name : \"early\"'")
                ).all()
                assert len(found) == 1
            connection.execute(text("DELETE FROM assets"))
            connection.execute(text("DELETE FROM organizations"))
    finally:
        engine.dispose()


def test_the_assets_page_counts_a_search_up_to_its_limit(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing, "SEARCH_TOTAL_MOST", 3)
    org = api.new_org()
    for n in range(5):
        api.new_asset(org, name=f"Reefer {n}")
    api.new_asset(org, name="Tanker")
    person = api.new_person(org, "owner")
    sign_in = api.client.get("/ui/sign-in").text
    csrf = sign_in.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    credentials = {"email": person.email, "password": PASSWORD, "csrf_token": csrf}
    assert api.client.post("/ui/sign-in", data=credentials, follow_redirects=False).status_code == 303

    common = api.client.get("/ui/assets", params={"q": "reefer"}, headers={"HX-Request": "true"})
    rare = api.client.get("/ui/assets", params={"q": "tank"}, headers={"HX-Request": "true"})
    everything = api.client.get("/ui/assets")

    assert "More than 3 assets match these filters" in common.text
    assert common.text.count("Reefer ") == 5  # the page itself is whole
    assert "1 asset matches these filters" in rare.text
    assert "6 assets" in everything.text  # no search: the exact total
