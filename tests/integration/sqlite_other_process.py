"""A second process on a test's SQLite file: `python -m tests.integration.sqlite_other_process ACTION URL`.

`event` commits one recorded event (its commit rings the delivering process's doorbell). `write`
commits a write with a busy handler that gives up at once, after printing `waiting` if it found the
writers' queue taken; it prints `committed` when its write went through.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from sqlalchemy import event, text

from pairhub.adapters.sql.engine import Database, make_engine
from pairhub.adapters.sql.events import record_events
from pairhub.domain.events import manual_pair

TOUCH = text("UPDATE alembic_version SET version_num = version_num")


class SayWhenWaiting:
    """The writers' queue, printing `waiting` when this process finds it taken and starts to wait."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    def __enter__(self) -> None:
        if not self._queue.acquire(blocking=False):
            print("waiting", flush=True)
            self._queue.acquire()

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._queue.release()


def main(action: str, url: str) -> None:
    """Do `action` on the database at `url`, then exit."""
    engine = make_engine(url)
    database = Database(engine)
    if action == "event":
        with database.write() as connection:
            record_events(connection, [manual_pair("o1", "tp:other", "a1", None, 1)])
    else:

        @event.listens_for(engine, "connect")
        def _impatient(dbapi_connection: Any, _record: Any) -> None:
            # Only a queue outside SQLite can let this writer in after another process's write.
            dbapi_connection.execute("PRAGMA busy_timeout=1")

        database._sqlite_writer = SayWhenWaiting(database._sqlite_writer)  # type: ignore[assignment]
        with database.write() as connection:
            connection.execute(TOUCH)
        print("committed", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
