"""Migration 0010 (people) keeps every organization, key and subscription of an existing database working."""

from __future__ import annotations

from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import text

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.adapters.sql.engine import make_engine
from pairhub.adapters.sql.migrate import alembic_config
from pairhub.entrypoints.api.app import create_app
from tests.conftest import ADMIN_TOKEN, make_settings
from tests.support import Api


def _migrate(database_url: str, target: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            if target == "head":
                command.upgrade(config, "head")
            else:
                command.downgrade(config, target)
    finally:
        engine.dispose()


def test_an_upgrade_keeps_organizations_keys_and_subscriptions(database_url: str, clock: ManualClock) -> None:
    before = bootstrap.build(make_settings(database_url), clock)
    with TestClient(create_app(before)) as client:
        api = Api(client, ADMIN_TOKEN)
        org = api.new_org("Kept Trailers")
        sub = client.post(
            f"/v1/organizations/{org.id}/subscriptions",
            json={"url": "http://127.0.0.1:9/hook", "eventNames": ["unit.paired"]},
            headers=org.headers,
        ).json()
    before.close()
    # Back to the schema of the release before people, as an operator's database is today.
    _migrate(database_url, "0009")
    engine = make_engine(database_url)
    with engine.connect() as connection:
        columns = connection.execute(text("SELECT * FROM api_keys")).keys()
    engine.dispose()
    assert "scope" not in columns

    _migrate(database_url, "head")

    after = bootstrap.build(make_settings(database_url), clock)
    with TestClient(create_app(after)) as client:
        organization = client.get(f"/v1/organizations/{org.id}", headers=org.headers)
        assert organization.status_code == 200
        assert organization.json()["name"] == "Kept Trailers"
        kept = client.get(f"/v1/organizations/{org.id}/subscriptions/{sub['id']}", headers=org.headers)
        assert kept.status_code == 200
        assert kept.json()["url"] == "http://127.0.0.1:9/hook"
        created = client.post(f"/v1/organizations/{org.id}/assets", json={"name": "new"}, headers=org.headers)
        assert created.status_code == 201
        keys = client.get(
            f"/v1/organizations/{org.id}/api-keys", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
        assert [(k["scope"], k["name"], k["expiresAt"]) for k in keys.json()["data"]] == [("full", "", None)]
    after.close()
