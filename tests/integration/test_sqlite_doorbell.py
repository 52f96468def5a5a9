"""On SQLite, a commit that recorded events rings the delivering process of the same file, on its loop."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from pairhub.adapters.sql.engine import Database, make_engine
from pairhub.adapters.sql.events import record_events
from pairhub.adapters.sql.organizations import SqlOrganizations
from pairhub.domain.events import manual_pair
from pairhub.domain.organizations import Organization

ROOT = Path(__file__).resolve().parents[2]


def _add_organization(database: Database) -> None:
    with database.write() as connection:
        SqlOrganizations(connection).add(Organization("o1", "Acme", False, True, 0))


def _record_event(database: Database, organization_id: str, unit_id: str) -> None:
    with database.write() as connection:
        record_events(connection, [manual_pair(organization_id, unit_id, "a1", None, 1)])


async def test_events_committed_by_other_processes_ring_the_loop_of_the_one_that_delivers(
    sqlite_url: str,
) -> None:
    delivering, api = Database(make_engine(sqlite_url)), Database(make_engine(sqlite_url))
    assert delivering.doorbell is not None
    _add_organization(api)
    loop = asyncio.get_running_loop()
    rings: list[bool] = []
    heard = asyncio.Event()

    def on_ring() -> None:
        rings.append(asyncio.get_running_loop() is loop)  # heard on the loop, not in a thread
        heard.set()

    stop = delivering.doorbell.listen(on_ring)
    second = Database(make_engine(sqlite_url))
    try:
        assert second.doorbell is not None
        second.doorbell.listen(on_ring)()  # the address is taken: a no-op stopper
        _record_event(delivering, "o1", "tp:1")  # its own commit: heard in-process, not rung to itself
        _record_event(api, "o1", "tp:2")
        await asyncio.wait_for(heard.wait(), 30)
        assert rings == [True]
        heard.clear()
        # A real second process: its commit reaches this loop through the socket alone.
        other = subprocess.run(
            [sys.executable, "-m", "tests.integration.sqlite_other_process", "event", sqlite_url],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert other.returncode == 0, other.stderr
        await asyncio.wait_for(heard.wait(), 30)
    finally:
        stop()
        for database in (delivering, api, second):
            database.engine.dispose()

    assert rings == [True, True]


async def test_a_stopper_called_from_another_thread_lets_the_address_go(sqlite_url: str) -> None:
    first, second = Database(make_engine(sqlite_url)), Database(make_engine(sqlite_url))
    assert first.doorbell is not None and second.doorbell is not None
    _add_organization(first)
    heard = asyncio.Event()
    stop = first.doorbell.listen(lambda: None)
    try:
        # As `start_background` stops hearing: from a worker thread while the loop runs.
        await asyncio.to_thread(stop)
        stop_second = second.doorbell.listen(heard.set)  # bound now, so it hears the rings
        _record_event(first, "o1", "tp:1")
        await asyncio.wait_for(heard.wait(), 30)
        stop_second()
    finally:
        for database in (first, second):
            database.engine.dispose()


async def test_the_doorbell_rings_before_the_commit_and_a_write_it_starts_reads_the_events(
    sqlite_url: str,
) -> None:
    delivering, api = Database(make_engine(sqlite_url)), Database(make_engine(sqlite_url))
    assert delivering.doorbell is not None
    _add_organization(api)
    heard = threading.Event()
    counted: list[int] = []
    steps: list[asyncio.Future[None]] = []

    def step() -> None:
        # What the delivering process does when rung: a write transaction, which queues behind the API's.
        with delivering.write() as connection:
            counted.append(connection.execute(text("SELECT count(*) FROM events")).scalar_one())

    def on_ring() -> None:
        heard.set()
        steps.append(asyncio.ensure_future(asyncio.to_thread(step)))

    @event.listens_for(api.engine, "commit")
    def _after_the_ring(_connection: Any) -> None:
        assert heard.wait(30), "the doorbell did not ring before the commit"

    stop = delivering.doorbell.listen(on_ring)
    try:
        await asyncio.to_thread(_record_event, api, "o1", "tp:1")
        await asyncio.wait_for(steps[0], 30)
    finally:
        stop()
        for database in (delivering, api):
            database.engine.dispose()

    assert counted == [1]
