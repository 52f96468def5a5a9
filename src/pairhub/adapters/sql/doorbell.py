"""SQLite has no LISTEN: the processes of one machine ring the delivering process through a local socket.

PostgreSQL wakes every process's delivery worker with NOTIFY when another commits events. On SQLite,
`serve --workers N` runs the API and the delivery in separate processes on one file; without a wake-up
the delivery process finds new events only at its next poll. The process that delivers binds a
datagram socket named after the database file; every process sends it a few bytes after a commit that
recorded events, which its event loop reads. A lost datagram (nobody bound, a full buffer) costs only
the poll interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import socket
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import structlog

log = structlog.get_logger("pairhub.notifications")

STOP_WAIT_S = 5.0
"""How long a stopper called off the loop waits for the loop to let go of the socket."""


def address_of(database_path: Path) -> str:
    """The socket address for one database file: the same in every process of the machine."""
    digest = hashlib.sha256(str(database_path.resolve()).encode()).hexdigest()[:24]
    if sys.platform == "linux":
        return f"\0pairhub-outbox-{digest}"  # the abstract namespace: no file left behind
    return str(Path(tempfile.gettempdir()) / f"pairhub-outbox-{digest}.sock")


class Doorbell:
    """Rings the delivering process of a SQLite file, or (in that process) hears the others ring."""

    def __init__(self, database_path: Path) -> None:
        self._address = address_of(database_path)
        self._listening = False

    def ring(self) -> None:
        """Tell the delivering process that events were committed (nothing happens if none listens)."""
        if self._listening:
            return  # this process delivers: it hears its own commits without a socket
        # A socket per ring (microseconds, once per commit with events) leaves nothing open to close.
        # Nothing here may fail the commit it announces: nobody listens, its buffer is full, or no
        # socket could be had, the delivering process finds the events at its next poll.
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as bell:
            bell.setblocking(False)  # a commit never waits for the delivering process
            bell.sendto(b"!", self._address)

    def listen(self, on_ring: Callable[[], None]) -> Callable[[], None]:
        """Call `on_ring` on the running event loop whenever another process rings; returns the stopper.

        The socket is read by the loop itself, so that a ring reaches the delivery loop without waking
        a thread first. Rings that arrive together are heard once. The stopper may be called from any
        thread; it is a no-op when another process delivers for this file already.
        """
        loop, loop_thread = asyncio.get_running_loop(), threading.get_ident()
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            receiver.bind(self._address)
        except OSError as error:  # another process delivers for this file already: it hears the rings
            receiver.close()
            log.info("doorbell_not_bound", reason=str(error))
            return lambda: None
        receiver.setblocking(False)
        self._listening = True

        def hear() -> None:
            rang = False
            with contextlib.suppress(BlockingIOError, InterruptedError):
                while receiver.recv(64):
                    rang = True
            if rang:
                on_ring()

        descriptor = receiver.fileno()
        loop.add_reader(descriptor, hear)
        released = threading.Event()
        releasing = threading.Lock()

        def release() -> None:
            with releasing:
                if released.is_set():
                    return
                with contextlib.suppress(RuntimeError):  # the loop is closed already
                    loop.remove_reader(descriptor)
                receiver.close()
                released.set()

        def stop() -> None:
            self._listening = False
            if threading.get_ident() == loop_thread:
                release()
            else:
                # Only the loop may take its reader away: a socket closed under it could be reused.
                with contextlib.suppress(RuntimeError):  # the loop is closed: nothing reads it any more
                    loop.call_soon_threadsafe(release)
                if not released.wait(0 if loop.is_closed() else STOP_WAIT_S):
                    release()
            if not self._address.startswith("\0"):
                with contextlib.suppress(OSError):
                    os.unlink(self._address)

        return stop
