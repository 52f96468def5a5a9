"""Writers of one process, and of every process on the file, queue for SQLite's write lock instead of
meeting its busy handler."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import event, text

from pairhub.adapters.sql.engine import Database, make_engine, sqlite_path
from pairhub.adapters.sql.writer_queue import WriterQueue

ROOT = Path(__file__).resolve().parents[2]

TOUCH = text("UPDATE alembic_version SET version_num = version_num")


class ObservedLock:
    """The process's write lock, saying when a writer finds it taken and starts to wait."""

    def __init__(self, lock: Any) -> None:
        self._lock = lock
        self.contended = threading.Event()

    def __enter__(self) -> None:
        if not self._lock.acquire(blocking=False):
            self.contended.set()
            self._lock.acquire()

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._lock.release()


def test_a_second_writer_waits_for_the_first_to_commit_not_for_the_busy_timeout(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)

    @event.listens_for(engine, "connect")
    def _impatient(dbapi_connection: Any, _record: Any) -> None:
        # A busy handler that gives up at once: only waiting outside SQLite lets the second writer in.
        dbapi_connection.execute("PRAGMA busy_timeout=1")

    database = Database(engine)
    lock = ObservedLock(database._sqlite_writer)
    database._sqlite_writer = lock  # type: ignore[assignment]
    holding = threading.Event()
    failures: list[BaseException] = []
    committed: list[str] = []

    def second() -> None:
        holding.wait()
        try:
            with database.write() as connection:
                connection.execute(TOUCH)
            committed.append("second")
        except BaseException as error:
            failures.append(error)

    other = threading.Thread(target=second)
    other.start()
    try:
        with database.write() as connection:
            connection.execute(TOUCH)
            holding.set()
            # The first writer commits only once the second one waits for the lock.
            assert lock.contended.wait(10), "the second writer never asked for the lock"
        committed.append("first")
    finally:
        other.join(10)
        engine.dispose()

    assert failures == []
    assert committed == ["first", "second"]


def test_a_writer_of_another_process_waits_for_the_first_to_commit_not_for_the_busy_timeout(
    sqlite_url: str,
) -> None:
    engine = make_engine(sqlite_url)
    database = Database(engine)
    try:
        with database.write() as connection:
            connection.execute(TOUCH)
            # Its busy handler gives up at once: it gets in only by queueing outside SQLite.
            other = subprocess.Popen(
                [sys.executable, "-m", "tests.integration.sqlite_other_process", "write", sqlite_url],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            assert other.stdout is not None
            # This writer commits only once the other process says it waits for the queue.
            said = other.stdout.readline()
        output, errors = other.communicate(timeout=60)
    finally:
        engine.dispose()

    assert said == "waiting\n", said + errors
    assert other.returncode == 0, errors
    assert output == "committed\n"


def test_the_queue_is_taken_once_per_thread_and_left_by_its_outermost_writer(sqlite_url: str) -> None:
    path = sqlite_path(sqlite_url)
    # Two queues on one file stand for two processes: their `flock`s exclude each other.
    mine, theirs = WriterQueue(path), WriterQueue(path)
    with mine:
        with mine:
            assert not theirs.acquire(blocking=False)
        assert not theirs.acquire(blocking=False), "an inner writer let the file go"
    assert theirs.acquire(blocking=False)
    assert not mine.acquire(blocking=False)
    theirs.release()
