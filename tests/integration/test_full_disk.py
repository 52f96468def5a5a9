"""A full disk: writes answer 503 `storage_full`, `/readyz` fails, and everything recovers without loss.

SQLite runs on a small tmpfs filled with a ballast file (when this process may mount one; else its
writing statements fail with SQLITE_FULL, injected at the driver boundary);
PostgreSQL gets triggers that raise `disk_full` (SQLSTATE 53100), as the server does when it cannot
extend a file. Events committed before the disk filled are all delivered afterwards, in order, and a
request refused while it was full left nothing behind.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.sql.engine import SQLITE_FULL
from pairhub.entrypoints.api.app import create_app
from tests.conftest import INGEST_TOKEN
from tests.delivery_support import Receiver, delivery_container, drain, pair_units, subscribe, unit_ids
from tests.support import Api

INGEST = {"Authorization": f"Bearer {INGEST_TOKEN}"}
VIN = "1HGCM82633A000001"


class Disk(Protocol):
    """The storage of one test database, which can be filled and freed."""

    url: str

    def fill(self, engine: Engine) -> None:
        """Leave no room for writes."""
        ...

    def free(self, engine: Engine) -> None:
        """Give the room back."""
        ...


class Tmpfs:
    """A 16 MiB tmpfs holding the SQLite database, filled by a ballast file."""

    def __init__(self, mount_point: Path, template: Path) -> None:
        self._ballast = mount_point / "ballast"
        self.url = f"sqlite:///{mount_point / 'pairhub.db'}"
        shutil.copyfile(template, mount_point / "pairhub.db")

    def fill(self, engine: Engine) -> None:
        """Write the ballast until the file system says no more."""
        chunk = b"\0" * 65536
        with self._ballast.open("wb", buffering=0) as ballast:
            with contextlib.suppress(OSError):
                while True:
                    ballast.write(chunk)
            with contextlib.suppress(OSError):
                while True:  # the last few bytes too
                    ballast.write(b"\0")

    def free(self, engine: Engine) -> None:
        """Delete the ballast."""
        self._ballast.unlink()


class RefusedWrites:
    """SQLite whose writing statements fail with SQLITE_FULL (for hosts where mounting is refused)."""

    def __init__(self, url: str) -> None:
        self.url = url

    @staticmethod
    def _refuse(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = SQLITE_FULL  # type: ignore[misc]
            raise error

    def fill(self, engine: Engine) -> None:
        """Refuse every write from now on."""
        event.listen(engine, "before_cursor_execute", self._refuse)

    def free(self, engine: Engine) -> None:
        """Take writes again."""
        event.remove(engine, "before_cursor_execute", self._refuse)


class DiskFullTriggers:
    """PostgreSQL triggers that fail every write of every table with SQLSTATE 53100 (disk_full)."""

    def __init__(self, url: str) -> None:
        self.url = url

    @staticmethod
    def _tables(connection: Any) -> list[str]:
        rows = connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
        return [row[0] for row in rows]

    def fill(self, engine: Engine) -> None:
        """Install the triggers."""
        with engine.begin() as connection:
            connection.execute(
                text(
                    "CREATE FUNCTION pairhub_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    " RAISE EXCEPTION 'could not extend file: No space left on device'"
                    " USING ERRCODE = 'disk_full'; END $$"
                )
            )
            for table in self._tables(connection):
                connection.execute(
                    text(
                        f'CREATE TRIGGER pairhub_disk_full BEFORE INSERT OR UPDATE OR DELETE ON "{table}"'
                        " FOR EACH STATEMENT EXECUTE FUNCTION pairhub_disk_full()"
                    )
                )

    def free(self, engine: Engine) -> None:
        """Drop them."""
        with engine.begin() as connection:
            connection.execute(text("DROP FUNCTION pairhub_disk_full() CASCADE"))


@pytest.fixture
def disk(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Disk]:
    """The test database on storage that can run out of space."""
    if not database_url.startswith("sqlite"):
        yield DiskFullTriggers(database_url)
        return
    mount_point = tmp_path / "tmpfs"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        yield RefusedWrites(database_url)
        return
    try:
        yield Tmpfs(mount_point, request.getfixturevalue("sqlite_template"))
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _problem(response: Any) -> tuple[int, str]:
    return response.status_code, response.json().get("code", "")


async def test_a_full_disk_refuses_writes_with_503_and_recovers_without_loss(
    disk: Disk, receiver: Receiver, clock: ManualClock
) -> None:
    with delivery_container(disk.url, clock) as container, TestClient(create_app(container)) as client:
        api = Api(client, "test-admin-token")
        org = api.new_org(autoPairingEnabled=True)
        subscribe(api, org, receiver.url("/hook"))
        before = pair_units(container, org.id, 3)
        api.new_unit(org, "tp:waiting")
        engine = container.database.engine

        disk.fill(engine)
        try:
            message = {"messages": [{"unitId": "tp:waiting", "vin": VIN}]}
            ingest = client.post("/v1/unit-messages", json=message, headers=INGEST)
            asset = client.post(f"/v1/organizations/{org.id}/assets", json={"vin": VIN}, headers=org.headers)
            ready = client.get("/readyz")
        finally:
            disk.free(engine)

        assert _problem(ingest) == (503, "storage_full")
        assert ingest.headers["retry-after"] == "30"
        assert _problem(asset) == (503, "storage_full")
        assert ready.status_code == 503 and ready.json()["checks"]["databaseWrite"].startswith("unavailable")

        # Space is back: ready again, the refused writes left nothing, and they go through when resent.
        assert client.get("/readyz").status_code == 200
        assets = client.get(f"/v1/organizations/{org.id}/assets", params={"vin": VIN}, headers=org.headers)
        assert assets.json()["data"] == []
        unit = client.get(f"/v1/organizations/{org.id}/units/tp:waiting", headers=org.headers).json()
        assert unit["autoPairing"]["state"] == "idle"
        assert api.new_asset(org, vin=VIN)["vin"] == VIN
        assert client.post("/v1/unit-messages", json=message, headers=INGEST).json()["accepted"] == 1

        await drain(container.delivery_worker)

    assert unit_ids(receiver.requests("/hook")) == [*before, "tp:waiting"]
