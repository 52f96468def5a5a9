"""SQLite's checkpoints off the commit: a thread of their own copies the WAL back into the database file.

In WAL mode the commit that takes the log past 1,000 pages also copies the log back into the database
file and fsyncs it before it returns (SQLite's automatic checkpoint): a few percent of pairhub's
commits took milliseconds longer, and since the writers of every process queue for their turn
(writer_queue.py), each writer behind them waited as well. pairhub's write connections leave that to
this module: after a commit, at most every CHECKPOINT_EVERY_S, a short-lived thread runs a PASSIVE
checkpoint on a connection of its own, beside the writers (it waits for none, and none waits for it).
Durability is the same: every commit is in the fsynced log, and a checkpoint fsyncs what it copies.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import structlog
from sqlalchemy import Connection

log = structlog.get_logger("pairhub.storage")

CHECKPOINT_EVERY_S = 0.5
"""At most two checkpoints a second per process: at 100 pairings a second (an API and a delivering
process writing) each copies back about as much as SQLite's own threshold of 1,000 pages, so none
writes back a burst large enough to hold up the commits' own fsyncs for long."""
PREPARED = "pairhub_autocheckpoint_off"
"""Set in `connection.info` once a pooled connection has SQLite's automatic checkpoints off."""


class Checkpoints:
    """Copies the WAL of one SQLite file back into it, after commits, outside every writer's turn."""

    def __init__(self, database_path: Path, pragmas: Sequence[str]) -> None:
        self._path = database_path
        self._pragmas = pragmas
        self._lock = threading.Lock()
        self._started_at = float("-inf")
        self._running: threading.Thread | None = None

    @staticmethod
    def prepare(connection: Connection) -> None:
        """Turn SQLite's automatic checkpoint off on a write connection (once per pooled connection)."""
        if not connection.info.get(PREPARED):
            # On the driver's connection: nothing SQLAlchemy would count as one of pairhub's statements.
            connection.connection.driver_connection.execute("PRAGMA wal_autocheckpoint=0")  # type: ignore[union-attr]
            connection.info[PREPARED] = True

    def committed(self) -> None:
        """Note a commit: start a checkpoint unless one ran within CHECKPOINT_EVERY_S or runs now."""
        now = time.monotonic()
        with self._lock:
            running = self._running
            if now - self._started_at < CHECKPOINT_EVERY_S or (running is not None and running.is_alive()):
                return
            self._started_at = now
            self._running = threading.Thread(target=self._checkpoint, name="sqlite-checkpoint", daemon=True)
            self._running.start()

    def settle(self, timeout_s: float = 30.0) -> None:
        """Wait for a checkpoint under way (before the database is closed)."""
        running = self._running
        if running is not None:
            running.join(timeout_s)

    def _checkpoint(self) -> None:
        try:
            connection = sqlite3.connect(self._path, isolation_level=None)
            try:
                for pragma in self._pragmas:  # `synchronous=FULL`: the copied pages are fsynced
                    connection.execute(pragma)
                # PASSIVE copies what no reader still needs and never waits for readers or writers.
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                connection.close()
        except Exception as error:  # the log stays whole: the next checkpoint copies it
            log.warning("sqlite_checkpoint_failed", path=str(self._path), error=repr(error))
