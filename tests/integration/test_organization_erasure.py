"""Export and erasure of one organization, checked against every table of the schema (both databases)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from pairhub.adapters.sql.organization_data import is_secret_column
from pairhub.adapters.sql.search import ASSET_SEARCH
from pairhub.bootstrap import Container
from pairhub.entrypoints.cli import app as cli
from tests.conftest import SECRET_KEY
from tests.delivery_support import Receiver, drain
from tests.support import Api, Org

VINS = {"a": "1HGCM82633A000001", "b": "1HGCM82633A000002"}


def populate(api: Api, container: Container, receiver: Receiver, name: str) -> tuple[Org, set[str], str]:
    """An organization with assets, units, a pairing, a delivered subscription, a feed and diagnoses.

    Returns it, the identifiers that only it holds, and the subscription's secret.
    """
    org = api.new_org(f"Organization {name}", autoPairingEnabled=True)
    asset = api.new_asset(org, VINS[name], f"{name}-trailer")
    api.new_unit(org, f"{name}unit:1")
    api.new_unit(org, f"{name}unit:2")
    created = api.client.post(
        f"/v1/organizations/{org.id}/subscriptions",
        json={
            "url": receiver.url(f"/{name}"),
            "eventVersion": 2,
            "eventNames": ["unit.paired"],
            "maxWaitMs": 0,
        },
        headers=org.headers,
    )
    assert created.status_code == 201, created.text
    feed = api.client.post(
        f"/v1/organizations/{org.id}/feeds",
        json={"eventVersion": 2, "eventNames": ["unit.paired"]},
        headers=org.headers,
    )
    assert feed.status_code == 201, feed.text
    api.pair(org, f"{name}unit:1", asset["id"])
    # A VIN no asset has: the attempt's diagnosis is stored.
    api.send({"unitId": f"{name}unit:2", "vin": "WDB96340319999999"})
    assert asyncio.run(drain(container.delivery_worker)) >= 1
    ids = {org.id, asset["id"], created.json()["id"], feed.json()["id"], f"{name}unit:1", f"{name}unit:2"}
    return org, ids, created.json()["secret"]


def every_row(container: Container) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the database has (read through the schema, not pairhub's metadata)."""
    engine = container.database.engine
    names = inspect(engine).get_table_names()
    with engine.connect() as connection:
        return {
            name: sorted(
                (tuple(row) for row in connection.execute(text(f'SELECT * FROM "{name}"'))), key=repr
            )
            for name in names
        }


def mentions(row: tuple[Any, ...], identifiers: set[str]) -> bool:
    """True when a value of the row is, or contains, one of the identifiers."""
    return any(isinstance(value, str) and any(ident in value for ident in identifiers) for value in row)


def is_search_index(table: str) -> bool:
    """SQLite's FTS5 index of the assets and its shadow tables: rows of VINs, names and index blocks."""
    return table == ASSET_SEARCH or table.startswith(f"{ASSET_SEARCH}_")


def search_hits(container: Container, vin: str) -> list[Any]:
    """The rowids the assets' search index still holds for `vin` (checked against the index itself)."""
    with container.database.engine.connect() as connection:
        # The index answers from its own blocks, not from the assets table: a stale entry shows here.
        connection.exec_driver_sql(f"INSERT INTO {ASSET_SEARCH}({ASSET_SEARCH}) VALUES ('integrity-check')")
        return list(
            connection.exec_driver_sql(
                f"SELECT rowid FROM {ASSET_SEARCH} WHERE {ASSET_SEARCH} MATCH ?", (f'vin : "{vin}"',)
            ).scalars()
        )


def test_erasure_removes_every_row_of_one_organization_and_nothing_else(
    api: Api, client: TestClient, container: Container, receiver: Receiver
) -> None:
    erased, erased_ids, _ = populate(api, container, receiver, "a")
    kept, kept_ids, _ = populate(api, container, receiver, "b")
    before = every_row(container)
    assert sum(mentions(row, erased_ids) for rows in before.values() for row in rows) >= 10

    answer = client.delete(f"/v1/organizations/{erased.id}", headers=api.admin)

    assert answer.status_code == 204, answer.text
    assert client.get(f"/v1/organizations/{erased.id}", headers=api.admin).status_code == 404
    after = every_row(container)
    assert set(after) == set(before)
    if ASSET_SEARCH in after:
        assert search_hits(container, VINS["a"]) == []
        assert len(search_hits(container, VINS["b"])) == 1
    for table, rows in before.items():
        if table in ("process_heartbeats", "alembic_version") or is_search_index(table):
            continue
        assert after[table] == [row for row in rows if not mentions(row, erased_ids)], table
        assert not [row for row in after[table] if mentions(row, erased_ids)], table
    assert sum(mentions(row, kept_ids) for rows in after.values() for row in rows) == sum(
        mentions(row, kept_ids) for rows in before.values() for row in rows
    )
    assert client.get(f"/v1/organizations/{kept.id}/units", headers=kept.headers).json()["data"]


def test_only_the_admin_erases(
    api: Api, client: TestClient, container: Container, receiver: Receiver
) -> None:
    org, _, _ = populate(api, container, receiver, "a")
    refused = client.delete(f"/v1/organizations/{org.id}", headers=org.headers)
    assert refused.status_code == 403
    assert (
        client.delete("/v1/organizations/00000000-0000-0000-0000-000000000000", headers=api.admin).status_code
        == 404
    )


def test_the_export_holds_every_row_of_the_organization_and_no_secret(
    api: Api, client: TestClient, container: Container, receiver: Receiver
) -> None:
    org, ids, secret = populate(api, container, receiver, "a")
    populate(api, container, receiver, "b")

    response = client.get(f"/v1/organizations/{org.id}/export", headers=api.admin)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert secret not in response.text and org.key not in response.text
    exported: dict[str, list[dict[str, Any]]] = {}
    for line in response.text.splitlines():
        item = orjson.loads(line)
        exported.setdefault(item["table"], []).append(item["row"])
    # Read back: each table's rows of the organization, as the database has them, secrets left out.
    rows = every_row(container)
    engine = container.database.engine
    for table, items in exported.items():
        columns = [column["name"] for column in inspect(engine).get_columns(table)]
        assert not [name for name in items[0] if is_secret_column(name)]
        stored = [dict(zip(columns, row, strict=True)) for row in rows[table] if mentions(row, ids)]
        expected = sorted(
            ({k: v for k, v in row.items() if not is_secret_column(k)} for row in stored), key=repr
        )
        assert sorted(items, key=repr) == expected, table
    for table in (
        "organizations",
        "assets",
        "units",
        "events",
        "subscriptions",
        "batches",
        "attempts",
        "feeds",
    ):
        assert exported.get(table), table
    # Owners and the admin export; an API key acts as an operator at most.
    assert client.get(f"/v1/organizations/{org.id}/export", headers=org.headers).status_code == 403


def test_the_command_line_exports_the_same_lines_as_the_api(
    api: Api,
    client: TestClient,
    container: Container,
    receiver: Receiver,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    org, ids, secret = populate(api, container, receiver, "a")
    _, others, _ = populate(api, container, receiver, "b")
    monkeypatch.setenv("PAIRHUB_DATABASE_URL", database_url)
    monkeypatch.setenv("PAIRHUB_SECRET_KEY", SECRET_KEY)

    exported = CliRunner().invoke(cli, ["org", "export", org.id])
    unknown = CliRunner().invoke(cli, ["org", "export", "no-such-organization"])

    assert exported.exit_code == 0, exported.output
    assert (
        exported.stdout_bytes == client.get(f"/v1/organizations/{org.id}/export", headers=api.admin).content
    )
    items = [orjson.loads(line) for line in exported.stdout.splitlines()]
    assert [item["row"]["name"] for item in items if item["table"] == "organizations"] == ["Organization a"]
    assert [item["row"]["name"] for item in items if item["table"] == "assets"] == ["a-trailer"]
    for identifier in ids:
        assert identifier in exported.stdout, identifier
    for identifier in others - ids:
        assert identifier not in exported.stdout, identifier
    assert secret not in exported.stdout and org.key not in exported.stdout
    assert unknown.exit_code == 1
    assert "organization_not_found" in unknown.output
