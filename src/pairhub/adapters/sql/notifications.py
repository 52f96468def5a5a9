"""PostgreSQL LISTEN: what other processes commit, heard as it happens (events written, pairings changed).

Every write transaction on PostgreSQL sends `pg_notify` for what it changed (`Database.write`);
NOTIFY is transactional, so a notification is heard only once its transaction committed, and never
for one rolled back. One thread per process holds a LISTEN connection and hands what it hears to the
database's listeners: the delivery worker wakes, the paired-units cache drops what changed.
While that connection is down nothing is heard, so `on_live(False)` tells the caches to stop trusting
themselves until `on_live(True)` (after LISTEN took effect again).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import psycopg
import structlog

from pairhub.adapters.sql.engine import OUTBOX_CHANNEL, UNITS_CHANNEL, Database

log = structlog.get_logger("pairhub.notifications")

POLL_S = 0.5
"""How often the listening thread looks at its stop flag between notifications."""
MAX_BACKOFF_S = 10.0


class ChangeListener:
    """One LISTEN connection in its own thread; `stop()` ends it within `POLL_S`."""

    def __init__(self, database: Database, on_live: Callable[[bool], None]) -> None:
        self._database = database
        self._on_live = on_live
        url = database.engine.url.set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-listen", daemon=True)

    def start(self) -> None:
        """Start listening in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and wait for the thread."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5 * POLL_S + MAX_BACKOFF_S)

    def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                self._listen()
                failures = 0
            except psycopg.Error as error:
                failures += 1
                if failures == 1:  # once per outage: the reconnects that follow say nothing new
                    log.warning(
                        "listen_failed", error=str(error).strip().splitlines()[0] if str(error) else ""
                    )
            finally:
                self._on_live(False)
            self._stopping.wait(min(MAX_BACKOFF_S, 0.2 * 2**failures) if failures else 0)

    def _listen(self) -> None:
        with psycopg.connect(self._conninfo, autocommit=True) as connection:
            connection.execute(f"LISTEN {OUTBOX_CHANNEL}")
            connection.execute(f"LISTEN {UNITS_CHANNEL}")
            # From here on every commit is heard; what was committed before is read afresh.
            self._on_live(True)
            self._database.outbox_committed()
            while not self._stopping.is_set():
                for notification in connection.notifies(timeout=POLL_S):
                    self._heard(notification.channel, notification.payload)

    def _heard(self, channel: str, payload: str) -> None:
        if channel == OUTBOX_CHANNEL:
            self._database.outbox_committed()
        elif channel == UNITS_CHANNEL:
            self._database.units_changed(None if payload == "*" else payload.split("\n"))
