"""A private PostgreSQL cluster a test starts and stops itself (initdb, pg_ctl on a free port).

The shared server of the other tests must never be stopped; an outage test stops this one instead.
Debian's `postgresql` package provides the tools (`.ci/run` installs it when missing); without them the
tests that need a cluster skip with one reason. As root, the tools run as the `postgres` user (initdb
refuses root).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "pairhub"
PASSWORD = "cluster-pass%word"
"""A password with a character that must be percent-encoded in a URL."""
PASSWORD_IN_URL = "cluster-pass%25word"


def tool(name: str) -> str | None:
    """The path of a PostgreSQL server tool, or None."""
    found = shutil.which(name, path="/usr/local/bin")
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def missing_reason() -> str | None:
    """Why no private cluster can be started here, or None."""
    if tool("initdb") is None or tool("pg_ctl") is None:
        return "initdb/pg_ctl not found (apt-get install postgresql): private PostgreSQL tests skipped"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: initdb cannot run as root"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A running private cluster: its URL (with a percent-encoded password), and stop/start."""

    directory: Path
    port: int

    def url(self, database: str = "postgres", password: str = PASSWORD_IN_URL) -> str:
        """The SQLAlchemy URL of a database of this cluster."""
        return f"postgresql+psycopg://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        """Start (or restart) the server and wait until it takes connections."""
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off"
        self._run(
            tool("pg_ctl") or "pg_ctl",
            "-D",
            str(self.directory / "data"),
            "-o",
            options,
            "-l",
            str(self.directory / "server.log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        """Stop the server at once (open connections are cut)."""
        self._run(tool("pg_ctl") or "pg_ctl", "-D", str(self.directory / "data"), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> None:
        """Create a database owned by the cluster's user."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=USER, password=PASSWORD, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')


def start_cluster(directory: Path) -> Cluster:
    """initdb a new cluster in `directory` with a password login, and start it on a free port."""
    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)
    directory.mkdir(parents=True, exist_ok=True)
    password_file = directory / "password"
    password_file.write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
        shutil.chown(password_file, "postgres", "postgres")
    cluster = Cluster(directory, _free_port())
    cluster._run(
        tool("initdb") or "initdb",
        "-D",
        str(directory / "data"),
        "-U",
        USER,
        "--auth=scram-sha-256",
        f"--pwfile={password_file}",
        "--no-sync",
        "-E",
        "UTF8",
    )
    cluster.start()
    return cluster


@pytest.fixture
def private_postgres() -> Iterator[Cluster]:
    """A private PostgreSQL cluster for this test, removed at the end (skips without the tools)."""
    # Not under pytest's temporary folder: that one is private to root, and the server runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="pairhub-pg-"))
    directory.chmod(0o711)
    try:
        cluster = start_cluster(directory / "cluster")
        try:
            yield cluster
        finally:
            with contextlib.suppress(RuntimeError):  # already stopped by the test
                cluster.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
