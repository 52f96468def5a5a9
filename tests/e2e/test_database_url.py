"""A PostgreSQL password that must be percent-encoded in the URL works for `db upgrade`, `serve` and `worker`.

Alembic reads its configuration with INI interpolation, where `%` is special: a URL such as
`postgresql+psycopg://user:p%40ss@host/db` once stopped all three commands.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pairhub import bootstrap
from pairhub.adapters.sql import migrate
from pairhub.adapters.sql.engine import make_engine
from tests.conftest import SECRET_KEY, make_settings, postgres_url
from tests.delivery_support import Receiver, pair_units
from tests.e2e.processes import PAIRHUB, ready_with_delivery, start_serve, stop

ROLE = f"pairhub_percent_url_{uuid.uuid4().hex[:8]}"
"""A role of this run only: test runs of other checkouts may share the server."""
PASSWORD = "p@ss%w:rd/#?é"
"""Every character here has a meaning in a URL or in an INI file, so each is percent-encoded."""


@pytest.fixture
def percent_url() -> Iterator[str]:
    """A fresh database owned by a role whose password is percent-encoded in the URL."""
    admin_url = postgres_url()
    if admin_url is None:
        pytest.skip("PostgreSQL not reachable at PAIRHUB_TEST_POSTGRES_URL; percent-encoded URL test skipped")
    name = f"pairhub_percent_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP ROLE IF EXISTS {ROLE}"))
        connection.execute(text(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'"))
        connection.execute(text(f'CREATE DATABASE "{name}" OWNER {ROLE}'))
    server = make_url(admin_url)
    url = f"postgresql+psycopg://{ROLE}:{quote(PASSWORD, safe='')}@{server.host}:{server.port or 5432}/{name}"
    assert "%40" in url and "%25" in url
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f"DROP ROLE IF EXISTS {ROLE}"))
        admin.dispose()


def _env(url: str, workdir: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(workdir),
        "PAIRHUB_DATABASE_URL": url,
        "PAIRHUB_ADMIN_TOKEN": "percent-admin",
        "PAIRHUB_SECRET_KEY": SECRET_KEY,
        "PAIRHUB_ALLOW_PRIVATE_WEBHOOK_TARGETS": "true",
        "PAIRHUB_ALLOW_INSECURE_WEBHOOKS": "true",
        "PAIRHUB_DELIVERY_POLL_INTERVAL": "0.05",
    }


def test_db_upgrade_serve_and_worker_take_a_percent_encoded_password(
    percent_url: str, tmp_path: Path
) -> None:
    upgraded = subprocess.run(
        [PAIRHUB, "db", "upgrade"], env=_env(percent_url, tmp_path), capture_output=True, timeout=120
    )
    assert upgraded.returncode == 0, upgraded.stdout.decode() + upgraded.stderr.decode()
    engine = make_engine(percent_url)
    assert migrate.is_at_head(engine)
    engine.dispose()

    process, base_url = start_serve(tmp_path, _env(percent_url, tmp_path))
    try:
        ready = ready_with_delivery(base_url)
    finally:
        stop(process)
    assert ready["checks"] == {"database": "ok", "migrations": "ok", "databaseWrite": "ok", "delivery": "ok"}

    with Receiver() as receiver:
        _deliver_one_batch_with_a_worker(percent_url, tmp_path, receiver)


def _deliver_one_batch_with_a_worker(percent_url: str, tmp_path: Path, receiver: Receiver) -> None:
    container = bootstrap.build(make_settings(percent_url))
    try:
        org = container.organizations.create("Percent Fleet", False, True)
        container.subscriptions.create(
            org.id, url=receiver.url("/hook"), event_version=1, names=["unit.paired"]
        )
        pair_units(container, org.id, 1)
    finally:
        container.close()
    worker = subprocess.Popen(
        [PAIRHUB, "worker"], env=_env(percent_url, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        delivered = receiver.wait_until(lambda received: len(received) == 1, timeout=60)
    finally:
        output = stop(worker)
    assert delivered, output
