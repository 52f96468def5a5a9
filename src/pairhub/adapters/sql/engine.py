"""Engine construction: SQLite durability pragmas and write locks, PostgreSQL via psycopg 3."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext, make_url

from pairhub.adapters.sql.doorbell import Doorbell
from pairhub.ports import StorageFull

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # FULL: a committed pairing survives power loss, not only a crash of the process.
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so BEGIN is ours to issue.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Writers take the write lock up front: a deferred transaction that later upgrades to a
        # writer can fail with "database is locked" instead of waiting for the busy timeout.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def sqlite_path(url: str) -> Path | None:
    """The absolute path of a SQLite database file; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).resolve()


def safe_url(url: str) -> str:
    """A database URL fit for logs and terminals (no password)."""
    return make_url(url).render_as_string(hide_password=True)


SQLITE_MIN_FREE_BYTES = 1 << 20
"""Below this much free space beside a SQLite database, `/readyz` reports it cannot take writes."""
SQLITE_FULL = 13
"""SQLite's primary result code for "database or disk is full" (extended codes keep it in the low byte)."""
POSTGRES_DISK_FULL = "53100"


def storage_full(context: ExceptionContext) -> StorageFull | None:
    """The StorageFull to raise instead of a driver's "disk full" error, or None for any other error."""
    error = context.original_exception
    sqlite_code = getattr(error, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int) and sqlite_code & 0xFF == SQLITE_FULL:
        return StorageFull(f"SQLite: {error}")
    if getattr(error, "sqlstate", None) == POSTGRES_DISK_FULL:
        return StorageFull(f"PostgreSQL: {str(error).splitlines()[0] if str(error) else 'disk full'}")
    return None


def make_engine(url: str) -> Engine:
    """An engine for `url`, configured for pairhub's durability and locking needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    # Translated where every statement and commit fails, so that services never see a driver error.
    event.listen(engine, "handle_error", storage_full)
    return engine


OUTBOX_WRITTEN = "pairhub_outbox_written"
"""Set in `connection.info` by the outbox, so that a commit can wake the delivery worker."""
PAIRING_CHANGED = "pairhub_pairing_changed"
"""The ids of units whose pairing a transaction changed (in `connection.info`), for the caches."""
OUTBOX_CHANNEL = "pairhub_outbox"
UNITS_CHANNEL = "pairhub_units"
MAX_NOTIFY_BYTES = 7000
"""PostgreSQL refuses NOTIFY payloads from 8000 bytes; longer lists say "everything" ("*")."""
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")

UnitsListener = Callable[[Collection[str] | None], None]
"""Told the ids of units whose pairing changed; None when any unit may have changed."""


class Database:
    """Transactions for the services: `read()` for queries, `write()` for state changes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        # SQLite lets one writer in at a time, and a writer that finds the lock taken sleeps in its busy
        # handler (1, 2, 5, 10... ms) before it looks again. Writers of this process queue on this lock
        # instead, and the next one starts the moment the previous commits. Other processes still meet
        # the busy timeout.
        self._sqlite_writer = threading.RLock() if self.is_sqlite else contextlib.nullcontext()
        self._outbox_listeners: list[Callable[[], None]] = []
        path = sqlite_path(engine.url.render_as_string(hide_password=False)) if self.is_sqlite else None
        self.doorbell = None if path is None else Doorbell(path)
        """SQLite: rung after each commit that recorded events, for a delivery in another process."""
        self._units_listeners: list[UnitsListener] = []

    def on_outbox_commit(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every commit that recorded events (from the committing thread)."""
        self._outbox_listeners.append(listener)

    def on_units_changed(self, listener: UnitsListener) -> None:
        """Call `listener` with the unit ids after every commit that changed a unit's pairing."""
        self._units_listeners.append(listener)

    def outbox_committed(self) -> None:
        """Tell the outbox listeners that events were committed (here, or by another process)."""
        for listener in self._outbox_listeners:
            listener()

    def units_changed(self, unit_ids: Collection[str] | None) -> None:
        """Tell the units listeners whose pairing changed (here, or in another process)."""
        for listener in self._units_listeners:
            listener(unit_ids)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that will change state, committed on success and rolled back on error."""
        with self._sqlite_writer, self.engine.connect() as connection:
            if self.is_sqlite:
                connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            connection.info.pop(OUTBOX_WRITTEN, None)
            connection.info.pop(PAIRING_CHANGED, None)
            with connection.begin():
                yield connection
                if not self.is_sqlite:
                    self._notify_other_processes(connection)
            # Only after the commit: a worker woken earlier could look before the events are visible.
            if connection.info.pop(OUTBOX_WRITTEN, False):
                self.outbox_committed()
                if self.doorbell is not None:
                    self.doorbell.ring()
            changed = connection.info.pop(PAIRING_CHANGED, None)
            if changed:
                self.units_changed(changed)

    def _notify_other_processes(self, connection: Connection) -> None:
        # NOTIFY is transactional: listeners hear it at commit, never for a rolled-back transaction.
        if connection.info.get(OUTBOX_WRITTEN):
            connection.execute(_NOTIFY, {"channel": OUTBOX_CHANNEL, "payload": ""})
        changed = connection.info.get(PAIRING_CHANGED)
        if changed:
            payload = "\n".join(sorted(changed))
            if len(payload.encode()) > MAX_NOTIFY_BYTES:
                payload = "*"
            connection.execute(_NOTIFY, {"channel": UNITS_CHANNEL, "payload": payload})

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (one consistent snapshot)."""
        with self.engine.connect() as connection, connection.begin():
            yield connection

    def ping(self) -> None:
        """Raise unless the database answers."""
        with self.read() as connection:
            connection.execute(text("SELECT 1"))

    def ping_write(self) -> None:
        """Raise unless the database takes a write; the write is rolled back, so nothing changes."""
        # A database that answers reads can still refuse every write (full disk, read-only volume,
        # a lost lock): readiness has to ask for a write lock and a changed row, not only a SELECT.
        path = sqlite_path(self.engine.url.render_as_string(hide_password=False)) if self.is_sqlite else None
        if path is not None:
            # A rolled-back SQLite write never reaches the disk, so it cannot tell a full one.
            free = shutil.disk_usage(path.parent).free
            if free < SQLITE_MIN_FREE_BYTES:
                raise StorageFull(f"{free} bytes free beside {path.name}")
        with self.engine.connect() as connection:
            transaction = connection.begin()
            try:
                connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            finally:
                transaction.rollback()
