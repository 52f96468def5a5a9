"""SQLite has no LISTEN: the processes of one machine ring the delivering process through a local socket.

PostgreSQL wakes every process's delivery worker with NOTIFY when another commits events. On SQLite,
`serve --workers N` runs the API and the delivery in separate processes on one file; without a wake-up
the delivery process finds new events only at its next poll. The process that delivers binds a
datagram socket named after the database file; every process sends it a few bytes after a commit that
recorded events. A lost datagram (nobody bound, a full buffer) costs only the poll interval.
"""

from __future__ import annotations

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

POLL_S = 0.5
"""How often the listening thread looks at its stop flag between rings."""


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
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as bell, contextlib.suppress(OSError):
            bell.setblocking(False)  # a commit never waits for the delivering process
            bell.sendto(b"!", self._address)  # nobody listens, or its buffer is full: it polls

    def listen(self, on_ring: Callable[[], None]) -> Callable[[], None]:
        """Call `on_ring` whenever another process rings; returns the stopper (a no-op if unbound)."""
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            receiver.bind(self._address)
        except OSError as error:  # another process delivers for this file already: it hears the rings
            receiver.close()
            log.info("doorbell_not_bound", reason=str(error))
            return lambda: None
        receiver.settimeout(POLL_S)
        self._listening = True
        stopping = threading.Event()

        def hear() -> None:
            while not stopping.is_set():
                try:
                    receiver.recv(64)
                except TimeoutError:
                    continue
                except OSError:
                    return
                on_ring()

        thread = threading.Thread(target=hear, name="sqlite-doorbell", daemon=True)
        thread.start()

        def stop() -> None:
            stopping.set()
            self._listening = False
            thread.join(timeout=5 * POLL_S)
            receiver.close()
            if not self._address.startswith("\0"):
                with contextlib.suppress(OSError):
                    os.unlink(self._address)

        return stop
