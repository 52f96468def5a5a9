"""SQLite lets one writer in at a time: pairhub's writers of every process on a file queue for it here.

A writer that finds SQLite's write lock taken sleeps in SQLite's busy handler (1, 2, 5, 10 ms...) before
it looks again, so a pairing that arrives while the delivery process commits waited up to 8 ms for a
lock held for 2. Writers instead queue outside SQLite: the threads of a process on a lock, the
processes of a machine on an exclusive `flock` of a file beside the database, which the kernel hands
to the next waiter the moment the holder lets go, and releases by itself when a process dies. Anything
that writes without queueing (the sqlite3 shell, a backup) still meets the busy timeout.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from types import TracebackType

import structlog

log = structlog.get_logger("pairhub.storage")

SUFFIX = "-writer.lock"
"""The queue's file: `pairhub.db-writer.lock` beside `pairhub.db` (and its `-wal` and `-shm`)."""


def lock_path_of(database_path: Path) -> Path:
    """The file whose `flock` the writers of `database_path` queue on."""
    return database_path.with_name(database_path.name + SUFFIX)


class WriterQueue:
    """One writer at a time on a SQLite file: re-entrant within a thread, exclusive across processes."""

    def __init__(self, database_path: Path | None) -> None:
        self._threads = threading.RLock()
        self._path = None if database_path is None else lock_path_of(database_path)
        self._descriptor: int | None = None
        """Open while this process holds the turn: closing it lets the next process in."""
        self._depth = 0
        """How many times the holding thread entered: only the outermost takes and leaves the file."""

    def acquire(self, blocking: bool = True) -> bool:
        """Take the writer's turn (False when `blocking` is off and another writer holds it)."""
        if not self._threads.acquire(blocking):
            return False
        if self._depth == 0:
            try:
                taken = self._lock_file(blocking)
            except BaseException:
                self._threads.release()
                raise
            if not taken:
                self._threads.release()
                return False
        self._depth += 1
        return True

    def release(self) -> None:
        """Give the turn to the next writer (of this process or another)."""
        self._depth -= 1
        if self._depth == 0 and self._descriptor is not None:
            descriptor, self._descriptor = self._descriptor, None
            os.close(descriptor)  # releases the flock
        self._threads.release()

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(
        self, _type: type[BaseException] | None, _error: BaseException | None, _trace: TracebackType | None
    ) -> None:
        self.release()

    def _lock_file(self, blocking: bool) -> bool:
        if self._path is None:
            return True
        # Opened per turn (microseconds beside a commit's fsync): no descriptor outlives a writer, so
        # none is left to close, to leak, or to share with a child process.
        try:
            descriptor = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            # A folder pairhub may not write to (SQLite refuses the writes anyway, with its own error),
            # or a file of another user's: this process's writers meet the busy timeout instead.
            log.warning("sqlite_writer_queue_unavailable", path=str(self._path), reason=str(error))
            self._path = None
            return True
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            return False  # only without `blocking`
        except BaseException:
            os.close(descriptor)
            raise
        self._descriptor = descriptor
        return True
