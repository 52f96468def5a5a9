"""Shared fixtures: a fresh database per test on SQLite and (when reachable) PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.adapters.sql import migrate
from pairhub.adapters.sql.engine import make_engine
from pairhub.adapters.sql.tables import metadata
from pairhub.bootstrap import Container
from pairhub.config import Settings
from pairhub.entrypoints.api.app import create_app
from tests.support import Api

if TYPE_CHECKING:
    from tests.delivery_support import Receiver

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ADMIN_TOKEN = "test-admin-token"
INGEST_TOKEN = "test-ingest-token"
SECRET_KEY = "dGVzdC1zZWNyZXQta2V5LW9mLTMyLWJ5dGVzLi4uLi4="
"""The tests' PAIRHUB_SECRET_KEY (URL-safe base64 of 32 bytes), so PostgreSQL runs need no key file."""


@cache
def postgres_url() -> str | None:
    """The PostgreSQL server for tests, or None when none answers."""
    url = os.environ.get("PAIRHUB_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
    except Exception:
        return None
    return url


def pytest_report_header() -> str:
    """Say which databases the run uses."""
    url = postgres_url()
    if url is None:
        return "databases: SQLite only (no PostgreSQL reachable; set PAIRHUB_TEST_POSTGRES_URL)"
    return f"databases: SQLite and PostgreSQL ({make_url(url).render_as_string(hide_password=True)})"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies (migrating once is much faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A migrated PostgreSQL database of this test session, dropped at the end."""
    url = postgres_url()
    if url is None:
        pytest.skip(
            "PostgreSQL not reachable at PAIRHUB_TEST_POSTGRES_URL "
            f"(default {DEFAULT_POSTGRES_URL}); PostgreSQL variant skipped"
        )
    name = f"pairhub_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    test_url = make_url(url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(test_url)
    migrate.upgrade(engine)
    engine.dispose()
    yield test_url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated, empty database of each backend."""
    if request.param == "sqlite":
        target = tmp_path / "pairhub.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url_fresh")
    return url


@pytest.fixture
def postgres_url_fresh(postgres_database: str) -> str:
    """The session's PostgreSQL database, emptied for this test (skips when none is reachable)."""
    _truncate_postgres(postgres_database)
    return postgres_database


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated SQLite database (for tests that are not about the backend)."""
    target = tmp_path / "pairhub.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on loopback with scripted answers (see `tests/delivery_support.py`)."""
    from tests.delivery_support import Receiver

    with Receiver() as running:
        yield running


@pytest.fixture
def clock() -> ManualClock:
    """A clock that moves only when the test says so."""
    return ManualClock()


def make_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for tests: fixed tokens, loopback webhook targets allowed."""
    values: dict[str, object] = {
        "database_url": database_url,
        "admin_token": ADMIN_TOKEN,
        "ingest_token": INGEST_TOKEN,
        "allow_private_webhook_targets": True,
        "allow_insecure_webhooks": True,
        "secret_key": SECRET_KEY,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def container(database_url: str, clock: ManualClock) -> Iterator[Container]:
    """A wired container on a fresh database of each backend."""
    built = bootstrap.build(make_settings(database_url), clock)
    yield built
    built.close()


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    """An in-process HTTP client of the API (no background work)."""
    with TestClient(create_app(container)) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient) -> Api:
    """API helper with the admin token."""
    return Api(client, ADMIN_TOKEN)
