"""On SQLite, a commit that recorded events rings the delivering process of the same file."""

from __future__ import annotations

import threading

from pairhub.adapters.sql.engine import Database, make_engine
from pairhub.adapters.sql.events import record_events
from pairhub.adapters.sql.organizations import SqlOrganizations
from pairhub.domain.events import manual_pair
from pairhub.domain.organizations import Organization


def _record_event(database: Database, organization_id: str, unit_id: str) -> None:
    with database.write() as connection:
        record_events(connection, [manual_pair(organization_id, unit_id, "a1", None, 1)])


def test_events_committed_by_another_process_ring_the_one_that_delivers(sqlite_url: str) -> None:
    delivering, api = Database(make_engine(sqlite_url)), Database(make_engine(sqlite_url))
    assert delivering.doorbell is not None
    with api.write() as connection:
        SqlOrganizations(connection).add(Organization("o1", "Acme", False, True, 0))
    rings: list[int] = []
    heard = threading.Event()

    def on_ring() -> None:
        rings.append(1)
        heard.set()

    stop = delivering.doorbell.listen(on_ring)
    second = Database(make_engine(sqlite_url))
    try:
        assert second.doorbell is not None
        stop_second = second.doorbell.listen(on_ring)  # the address is taken: a no-op stopper
        stop_second()
        _record_event(delivering, "o1", "tp:1")  # its own commit: heard in-process, not rung to itself
        _record_event(api, "o1", "tp:2")
        assert heard.wait(10)
    finally:
        stop()
        for database in (delivering, api, second):
            database.engine.dispose()

    assert rings == [1]
