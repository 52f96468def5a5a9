"""Operational surface: readiness, metrics, logs, OpenAPI, and the `pairhub` command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import structlog
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from pairhub.adapters import logging as pairhub_logging
from pairhub.adapters.sql import migrate
from pairhub.adapters.sql.engine import make_engine
from pairhub.entrypoints.cli import app as cli
from tests.support import Api

_REFUSE_WRITES = {
    "sqlite": [
        "CREATE TRIGGER refuse_writes BEFORE UPDATE ON alembic_version"
        " BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_writes() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
        "CREATE TRIGGER refuse_writes BEFORE UPDATE ON alembic_version"
        " FOR EACH ROW EXECUTE FUNCTION refuse_writes()",
    ],
}
_ALLOW_WRITES = {
    "sqlite": ["DROP TRIGGER refuse_writes"],
    "postgresql": ["DROP TRIGGER refuse_writes ON alembic_version", "DROP FUNCTION refuse_writes()"],
}


def test_readyz_fails_while_the_database_refuses_writes_and_recovers(client: TestClient) -> None:
    engine = client.app.state.container.database.engine  # type: ignore[attr-defined]
    dialect = engine.dialect.name
    with engine.begin() as connection:
        for statement in _REFUSE_WRITES[dialect]:
            connection.execute(text(statement))
    try:
        refused = client.get("/readyz")
    finally:
        with engine.begin() as connection:
            for statement in _ALLOW_WRITES[dialect]:
                connection.execute(text(statement))

    assert refused.status_code == 503
    assert refused.json()["checks"]["database"] == "ok"
    assert refused.json()["checks"]["databaseWrite"].startswith("unavailable")
    assert client.get("/readyz").status_code == 200


def test_readyz_reports_a_schema_behind_head(client: TestClient, container: object) -> None:
    assert client.get("/readyz").json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "databaseWrite": "ok",
    }
    engine = client.app.state.container.database.engine  # type: ignore[attr-defined]
    head = migrate.head_revision(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'stale'"))
    try:
        response = client.get("/readyz")
    finally:
        # The PostgreSQL database is shared by the whole session: leave it at head for the others.
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "behind"


def test_metrics_count_requests_by_route(api: Api) -> None:
    api.new_org()
    exposition = api.client.get("/metrics").text
    assert 'pairhub_http_requests_total{method="POST",route="/v1/organizations",status="201"}' in exposition


def test_openapi_is_3_1_and_documents_problems(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    responses = document["paths"]["/v1/organizations/{org_id}/pairings"]["post"]["responses"]
    assert set(responses) >= {"200", "201", "401", "404", "409", "422"}
    assert "application/problem+json" in responses["409"]["content"]
    assert client.get("/docs").status_code == 200


def test_json_logs_are_one_object_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    pairhub_logging.configure("json")
    structlog.get_logger("test").info("unit_paired", unit_id="tp:1")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert json.loads(line)["event"] == "unit_paired"
    assert json.loads(line)["unit_id"] == "tp:1"
    pairhub_logging.configure("console")


def test_cli_db_upgrade_and_admin_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PAIRHUB_DATABASE_URL", url)
    runner = CliRunner()

    upgraded = runner.invoke(cli, ["db", "upgrade"])
    org = runner.invoke(cli, ["admin", "create-organization", "Acme", "--auto-pairing"])
    key = runner.invoke(cli, ["admin", "create-key", org.stdout.strip()])
    unit = runner.invoke(cli, ["admin", "create-unit", org.stdout.strip(), "tp:42"])

    assert upgraded.exit_code == 0, upgraded.output
    assert migrate.is_at_head(make_engine(url))
    assert key.stdout.strip().startswith("phk_")
    assert unit.exit_code == 0 and unit.stdout.strip() == "tp:42"


def test_openapi_describes_the_outgoing_webhooks(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    webhooks = document["webhooks"]
    for version in (1, 2):
        operation = webhooks[f"asset-events-v{version}"]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/V{version}EventBatch"}
        batch = document["components"]["schemas"][f"V{version}EventBatch"]
        assert batch["required"] == ["eventBatchId", "eventSubscriptionId", "eventBatchTime", "eventsData"]
        assert {p["name"] for p in operation["parameters"]} >= {
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "X-Signature-256",
        }
