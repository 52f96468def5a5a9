"""Secrets at rest on SQLite and PostgreSQL: the database holds ciphertext only, keys rotate with a list,
a wrong or missing key stops the start with one clear line, and a SQLite key file is private."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
import structlog
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.adapters.secret_box import SecretBox, new_key
from pairhub.adapters.secret_keys import key_file_of
from pairhub.adapters.sql import migrate
from pairhub.bootstrap import Container
from pairhub.entrypoints.api.app import create_app
from pairhub.entrypoints.cli import app as cli
from pairhub.ports import SecretKeyError
from tests.conftest import SECRET_KEY, make_settings
from tests.support import Api

HEADERS = {"X-Erp-Authorization": "Bearer erp-token-4711", "X-Tenant": "acme-tenant"}
CLIENT_SECRET = "oauth-client-secret-0815"
AUTH = {
    "type": "oauth2ClientCredentials",
    "tokenUrl": "http://127.0.0.1:9/token",
    "clientId": "pairhub",
    "clientSecret": CLIENT_SECRET,
}


def _raw(database_url: str, subscription_id: str) -> dict[str, Any]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        row = connection.execute(
            # Every column the schema has at this revision (the migration test reads older ones).
            text("SELECT * FROM subscriptions WHERE id = :id"),
            {"id": subscription_id},
        )
        found = dict(row.mappings().one())
    engine.dispose()
    return found


def _subscribe(api: Api) -> tuple[str, str, str]:
    """A subscription with custom headers and OAuth2, rotated once: (org id, subscription id, new secret)."""
    org = api.new_org()
    created = api.client.post(
        f"/v1/organizations/{org.id}/subscriptions",
        json={
            "url": "http://127.0.0.1:9/hook",
            "eventNames": ["unit.paired"],
            "customHeaders": HEADERS,
            "auth": AUTH,
        },
        headers=org.headers,
    )
    assert created.status_code == 201, created.text
    sub_id = created.json()["id"]
    rotated = api.client.post(
        f"/v1/organizations/{org.id}/subscriptions/{sub_id}/rotate-secret", headers=org.headers
    )
    return org.id, sub_id, rotated.json()["secret"]


def _container(database_url: str, key: str | None) -> Container:
    return bootstrap.build(make_settings(database_url, secret_key=key), ManualClock())


def test_the_database_holds_no_plaintext_secret_or_header_value(
    api: Api, container: Container, database_url: str
) -> None:
    org_id, sub_id, secret = _subscribe(api)

    row = _raw(database_url, sub_id)
    stored = json.dumps(row)
    shown = api.client.get(f"/v1/organizations/{org_id}/subscriptions/{sub_id}", headers=api.admin).json()

    assert secret not in stored and "whsec_" not in stored
    assert not any(value in stored for value in HEADERS.values()) and CLIENT_SECRET not in stored
    assert row["secret"].startswith("enc1.") and row["previous_secret"].startswith("enc1.")
    assert sorted(json.loads(row["custom_headers"])) == sorted(HEADERS)
    # The service reads them back whole: delivery signs and sends as before.
    with container.storage.read() as uow:
        record = uow.subscriptions.get(sub_id)
    assert record is not None and record.secret == secret and dict(record.custom_headers) == HEADERS
    assert shown["customHeaderNames"] == list(HEADERS) and "secret" not in shown
    assert not any(value in json.dumps(shown) for value in HEADERS.values())


def test_a_key_list_decrypts_with_any_key_and_moves_every_secret_to_the_first(
    api: Api, database_url: str
) -> None:
    _, sub_id, secret = _subscribe(api)
    newer = new_key()

    rotated = _container(database_url, f"{newer},{SECRET_KEY}")
    rotated.migrate()
    with rotated.storage.read() as uow:
        record = uow.subscriptions.get(sub_id)
    rotated.close()

    assert record is not None and record.secret == secret and dict(record.custom_headers) == HEADERS
    assert record.auth is not None and record.auth.client_secret == CLIENT_SECRET
    row = _raw(database_url, sub_id)
    newer_id = SecretBox.from_setting(newer).key_id
    assert row["secret"].startswith(f"enc1.{newer_id}.")
    assert row["auth_client_secret"].startswith(f"enc1.{newer_id}.")
    assert all(value.startswith(f"enc1.{newer_id}.") for value in json.loads(row["custom_headers"]).values())
    # After one start with the list, the old key can go.
    alone = _container(database_url, newer)
    alone.migrate()
    with alone.storage.read() as uow:
        assert uow.subscriptions.get(sub_id) == record
    alone.close()


def test_a_wrong_key_stops_the_start_with_a_clear_line(api: Api, database_url: str) -> None:
    _subscribe(api)
    wrong = _container(database_url, new_key())

    with pytest.raises(SecretKeyError) as refused:
        wrong.migrate()
    wrong.close()

    message = str(refused.value)
    assert "PAIRHUB_SECRET_KEY does not hold" in message and "\n" not in message


def test_a_malformed_key_names_the_variable_and_never_echoes_it() -> None:
    with pytest.raises(SecretKeyError) as refused:
        SecretBox.from_setting(f"{SECRET_KEY},not-a-key-at-all")

    assert "PAIRHUB_SECRET_KEY: entry 2" in str(refused.value)
    assert "not-a-key-at-all" not in str(refused.value)


@pytest.mark.postgres
def test_postgres_without_a_key_refuses_to_start(
    postgres_url_fresh: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAIRHUB_SECRET_KEY", raising=False)
    monkeypatch.setenv("PAIRHUB_DATABASE_URL", postgres_url_fresh)

    with pytest.raises(SecretKeyError, match="PAIRHUB_SECRET_KEY is not set"):
        bootstrap.build(make_settings(postgres_url_fresh, secret_key=None))
    for command_line in (["db", "upgrade"], ["worker"]):
        result = CliRunner().invoke(cli, command_line)
        assert result.exit_code == 2, result.output
        assert "PAIRHUB_SECRET_KEY is not set" in result.output
        assert "Traceback" not in result.output


def test_sqlite_without_a_key_makes_a_private_key_file_beside_the_database(
    tmp_path: Path, sqlite_url: str
) -> None:
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    with structlog.testing.capture_logs() as logs:
        first = _container(sqlite_url, None)
    second = _container(sqlite_url, None)

    key_file = key_file_of(database)
    assert key_file == database.with_name("pairhub.db.key") and key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [log["path"] for log in logs if log["event"] == "secret_key_file_created"] == [str(key_file)]
    assert first.secret_key_file == key_file == second.secret_key_file
    assert first.secret_box.key_id == second.secret_box.key_id
    with TestClient(create_app(first)) as client:
        _, sub_id, secret = _subscribe(Api(client, "test-admin-token"))
    with second.storage.read() as uow:
        record = uow.subscriptions.get(sub_id)
    assert record is not None and record.secret == secret
    first.close()
    second.close()


def test_the_cli_prints_a_new_key() -> None:
    printed = CliRunner().invoke(cli, ["secret-key"])

    assert printed.exit_code == 0
    assert SecretBox.from_setting(printed.output.strip()).key_id


def test_the_migration_encrypts_what_is_stored_and_its_downgrade_decrypts(database_url: str) -> None:
    engine = create_engine(database_url)
    box = SecretBox.from_setting(SECRET_KEY)
    config = migrate.alembic_config(engine)
    config.attributes[migrate.SECRET_BOX] = box
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
            connection.execute(
                text("INSERT INTO organizations VALUES ('o1', 'Acme', false, true, 1)"),
            )
            connection.execute(
                text(
                    "INSERT INTO subscriptions (id, organization_id, url, event_version, event_names,"
                    " max_batch_size, max_wait_ms, custom_headers, state, secret, previous_secret,"
                    " created_at, updated_at, cursor_seq, events_delivered, events_failed, events_expired)"
                    " VALUES ('s1', 'o1', 'https://x.example/h', 1, '[\"unit.paired\"]', 100, 500,"
                    " :headers, 'active', 'whsec_plain', 'whsec_older', 1, 1, 0, 0, 0, 0)"
                ),
                {"headers": json.dumps(HEADERS)},
            )
        migrate.upgrade(engine, box)
        encrypted = _raw(database_url, "s1")
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
        decrypted = _raw(database_url, "s1")
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM subscriptions"))
            connection.execute(text("DELETE FROM organizations"))
        migrate.upgrade(engine, box)
        engine.dispose()

    assert "whsec_" not in json.dumps(encrypted) and "erp-token" not in json.dumps(encrypted)
    assert encrypted["secret"].startswith("enc1.")
    assert {name: decrypted[name] for name in ("secret", "previous_secret", "custom_headers")} == {
        "secret": "whsec_plain",
        "previous_secret": "whsec_older",
        "custom_headers": json.dumps(HEADERS),
    }
