"""Every misconfiguration ends with one line naming the setting and exit code 2, in every process layout."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SECRET_KEY, postgres_url
from tests.e2e.processes import PAIRHUB, free_port
from tests.pg_cluster import Cluster, private_postgres

__all__ = ["private_postgres"]

LAYOUTS = {
    "serve": ["serve"],
    "serve --workers 2": ["serve", "--workers", "2"],
    "worker": ["worker"],
    "db upgrade": ["db", "upgrade"],
}
OTHER_KEY = "b3RoZXIta2V5LW9mLXRoaXJ0eS10d28tYnl0ZXMuLi4="


def start(layout: str, env: dict[str, str], workdir: Path, port: int | None) -> subprocess.Popen[bytes]:
    """Start a pairhub command of `layout` with only `env`."""
    args = list(LAYOUTS[layout])
    if args[0] == "serve":
        args += ["--port", str(port or free_port())]
    return subprocess.Popen(
        [PAIRHUB, *args],
        cwd=workdir,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(workdir), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def assert_refused(
    env: dict[str, str],
    workdir: Path,
    setting: str,
    port: int | None = None,
    layouts: tuple[str, ...] = tuple(LAYOUTS),
) -> list[str]:
    """In every layout at once, the command ends with exit code 2 and one line that names `setting`."""
    processes = {layout: start(layout, env, workdir, port) for layout in layouts}
    lines = []
    for layout, process in processes.items():
        output, _ = process.communicate(timeout=120)
        printed = [line for line in output.decode().splitlines() if line.strip()]
        assert process.returncode == 2, (layout, process.returncode, printed)
        assert len(printed) == 1, (layout, printed)
        assert setting in printed[0], (layout, printed)
        lines.append(printed[0])
    return lines


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    """A SQLite database with a key set in the environment (no key file is written)."""
    return {"PAIRHUB_DATABASE_URL": f"sqlite:///{tmp_path / 'pairhub.db'}", "PAIRHUB_SECRET_KEY": SECRET_KEY}


def test_unknown_setting_value(sqlite_env: dict[str, str], tmp_path: Path) -> None:
    for line in assert_refused({**sqlite_env, "PAIRHUB_LOG_FORMAT": "xml"}, tmp_path, "PAIRHUB_LOG_FORMAT"):
        assert "'xml'" in line


def test_unparsable_duration(sqlite_env: dict[str, str], tmp_path: Path) -> None:
    env = {**sqlite_env, "PAIRHUB_REMINDER_INTERVAL": "an hour"}
    assert_refused(env, tmp_path, "PAIRHUB_REMINDER_INTERVAL")


def test_bad_mqtt_url(sqlite_env: dict[str, str], tmp_path: Path) -> None:
    env = {**sqlite_env, "PAIRHUB_MQTT_URL": "http://broker.example:1883"}
    for line in assert_refused(env, tmp_path, "PAIRHUB_MQTT_URL"):
        assert "mqtt://" in line


def test_malformed_database_url(tmp_path: Path) -> None:
    env = {"PAIRHUB_DATABASE_URL": "mysql://root@localhost/pairhub", "PAIRHUB_SECRET_KEY": SECRET_KEY}
    assert_refused(env, tmp_path, "PAIRHUB_DATABASE_URL")


def test_unreachable_database_host(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/pairhub"
    env = {"PAIRHUB_DATABASE_URL": url, "PAIRHUB_SECRET_KEY": SECRET_KEY}
    for line in assert_refused(env, tmp_path, "PAIRHUB_DATABASE_URL"):
        assert "cannot be reached" in line


def test_missing_secret_key_on_postgresql(tmp_path: Path) -> None:
    env = {"PAIRHUB_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/pairhub"}
    assert_refused(env, tmp_path, "PAIRHUB_SECRET_KEY")


def test_malformed_secret_key(sqlite_env: dict[str, str], tmp_path: Path) -> None:
    for line in assert_refused(
        {**sqlite_env, "PAIRHUB_SECRET_KEY": "not-a-key"}, tmp_path, "PAIRHUB_SECRET_KEY"
    ):
        assert "not-a-key" not in line


def test_secret_key_that_does_not_open_the_stored_secrets(sqlite_env: dict[str, str], tmp_path: Path) -> None:
    from pairhub import bootstrap
    from pairhub.config import Settings

    settings = Settings(
        database_url=sqlite_env["PAIRHUB_DATABASE_URL"],
        secret_key=SECRET_KEY,
        allow_private_webhook_targets=True,
        allow_insecure_webhooks=True,
    )
    container = bootstrap.build(settings)
    container.migrate()
    organization = container.organizations.create("Acme", False, True)
    container.subscriptions.create(
        organization.id, url="http://127.0.0.1:9/hook", event_version=2, names=["unit.paired"]
    )
    container.close()
    assert_refused({**sqlite_env, "PAIRHUB_SECRET_KEY": OTHER_KEY}, tmp_path, "PAIRHUB_SECRET_KEY")


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.create_server(("127.0.0.1", 0)) as holder:
        yield holder.getsockname()[1]


def test_port_in_use(sqlite_env: dict[str, str], tmp_path: Path, busy_port: int) -> None:
    serving = ("serve", "serve --workers 2")
    for line in assert_refused(sqlite_env, tmp_path, "--port", port=busy_port, layouts=serving):
        assert str(busy_port) in line


@pytest.mark.postgres
def test_unknown_database_name(tmp_path: Path) -> None:
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL not reachable at PAIRHUB_TEST_POSTGRES_URL")
    from sqlalchemy.engine import make_url

    wrong = make_url(url).set(database="pairhub_no_such_database").render_as_string(hide_password=False)
    env = {"PAIRHUB_DATABASE_URL": wrong, "PAIRHUB_SECRET_KEY": SECRET_KEY}
    for line in assert_refused(env, tmp_path, "PAIRHUB_DATABASE_URL"):
        assert "pairhub_no_such_database" in line


def test_wrong_database_password(private_postgres: Cluster, tmp_path: Path) -> None:
    env = {"PAIRHUB_DATABASE_URL": private_postgres.url(password="wrong"), "PAIRHUB_SECRET_KEY": SECRET_KEY}
    for line in assert_refused(env, tmp_path, "PAIRHUB_DATABASE_URL"):
        assert "password authentication failed" in line
