"""Engine construction: SQLite durability pragmas and write locks, PostgreSQL via psycopg 3."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from pairhub.adapters.sql.checkpoints import Checkpoints
from pairhub.adapters.sql.doorbell import Doorbell
from pairhub.adapters.sql.writer_queue import WriterQueue
from pairhub.config import SettingError
from pairhub.ports import StorageFull, StorageOutage, StorageUnavailable

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


DATABASE_SETTING = "PAIRHUB_DATABASE_URL"


def check_url(url: str) -> None:
    """SettingError unless `url` names a database pairhub can use (SQLite or PostgreSQL with psycopg)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingError(
            DATABASE_SETTING,
            "is not a database URL (sqlite:///./pairhub.db, postgresql://user:password@host/name)",
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingError(
            DATABASE_SETTING, f"names {parsed.get_backend_name()!r}; pairhub runs on SQLite or PostgreSQL"
        )
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        raise SettingError(
            DATABASE_SETTING,
            f"names the driver {parsed.drivername!r}, which is not installed; use postgresql+psycopg://",
        ) from None


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


SQLITE_CANTOPEN = 14
"""SQLite's primary result code for "unable to open database file" (a missing folder, no permission)."""
POSTGRES_UNAVAILABLE_CLASSES = ("08", "57P", "53300")
"""SQLSTATEs of a server out of reach: connection exceptions, shutting down or starting up, too many
connections."""
POSTGRES_REFUSED_LOGIN = ("28", "3D000")
"""SQLSTATEs of a login refused (bad password, unknown role) or an unknown database."""


def storage_unavailable(context: ExceptionContext) -> StorageUnavailable | None:
    """The StorageUnavailable to raise instead of a driver's "cannot reach the database" error, or None."""
    error = context.original_exception
    if isinstance(error, StorageOutage):
        return None
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    sqlite_code = getattr(error, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int) and sqlite_code & 0xFF == SQLITE_CANTOPEN:
        return StorageUnavailable(f"SQLite: {first_line}")
    if context.dialect is not None and context.dialect.name == "sqlite":
        return None
    sqlstate = getattr(error, "sqlstate", None) or ""
    unreachable = sqlstate.startswith(POSTGRES_UNAVAILABLE_CLASSES + POSTGRES_REFUSED_LOGIN)
    # psycopg reports a failed connect (refused, timed out, unknown host) as an OperationalError
    # without SQLSTATE; a connection lost in use is a "disconnect" to SQLAlchemy.
    lost = context.is_disconnect or (
        type(error).__name__ == "OperationalError" and not sqlstate and context.connection is None
    )
    if unreachable or lost:
        return StorageUnavailable(f"PostgreSQL: {_without_prefix(first_line)}")
    return None


def _without_prefix(message: str) -> str:
    # psycopg prefixes each attempt with the address it tried; the reason is what an operator needs.
    return message.split(": FATAL:  ", 1)[-1] if "FATAL:" in message else message


def translate_error(context: ExceptionContext) -> StorageOutage | None:
    """The outage a driver's error stands for (a full disk, a database out of reach), or None."""
    return storage_full(context) or storage_unavailable(context)


def make_engine(url: str) -> Engine:
    """An engine for `url`, configured for pairhub's durability and locking needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    # Translated where every statement and commit fails, so that services never see a driver error.
    event.listen(engine, "handle_error", translate_error)
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


def _total_changes(connection: Connection) -> int:
    """Rows the driver's connection changed so far (SQLite: a write transaction that changed none leaves
    nothing to checkpoint); 0 elsewhere."""
    return int(getattr(connection.connection.driver_connection, "total_changes", 0))


class Database:
    """Transactions for the services: `read()` for queries, `write()` for state changes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        path = sqlite_path(engine.url.render_as_string(hide_password=False)) if self.is_sqlite else None
        # SQLite lets one writer in at a time, and a writer that finds the lock taken sleeps in its busy
        # handler (1, 2, 5, 10... ms) before it looks again. Writers of this process and of the others
        # on the file queue here instead, and the next one starts the moment the previous commits.
        self._sqlite_writer = WriterQueue(path) if self.is_sqlite else contextlib.nullcontext()
        self._outbox_listeners: list[Callable[[], None]] = []
        self.doorbell = None if path is None else Doorbell(path)
        """SQLite: rung after each commit that recorded events, for a delivery in another process."""
        self.checkpoints = None if path is None else Checkpoints(path, SQLITE_PRAGMAS)
        """SQLite: copies the WAL back into the file after commits, outside the writers' turns."""
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
                if self.checkpoints is not None:
                    self.checkpoints.prepare(connection)
            changes_before = _total_changes(connection)
            connection.info.pop(OUTBOX_WRITTEN, None)
            connection.info.pop(PAIRING_CHANGED, None)
            with connection.begin():
                yield connection
                if not self.is_sqlite:
                    self._notify_other_processes(connection)
                elif self.doorbell is not None and connection.info.get(OUTBOX_WRITTEN):
                    # Before the commit, while this writer holds the writers' queue: the delivering
                    # process wakes during the commit's fsync, and its step, a write transaction, queues
                    # behind this one, so it reads the events the moment they are committed (a write that
                    # rolls back costs it an empty step).
                    self.doorbell.ring()
            # Only after the commit: a worker of this process could look before the events are visible.
            if connection.info.pop(OUTBOX_WRITTEN, False):
                self.outbox_committed()
            changed = connection.info.pop(PAIRING_CHANGED, None)
            if changed:
                self.units_changed(changed)
            wrote = _total_changes(connection) != changes_before
        if wrote and self.checkpoints is not None:
            self.checkpoints.committed()

    def close(self) -> None:
        """Let a checkpoint under way finish, then close the connections."""
        if self.checkpoints is not None:
            self.checkpoints.settle()
        self.engine.dispose()

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
