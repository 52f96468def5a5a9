"""`pairhub serve --workers N`: N API processes sharing one listening socket, and one background process.

The API and the delivery worker stop sharing one interpreter: each API process answers requests (and
flushes its own buffered unit activity), the background process delivers webhooks, sends reminders
and subscribes to MQTT. The parent only binds the socket, migrates, starts the children and passes
SIGTERM/SIGINT on; when any child dies it stops the others and exits with an error, so a supervisor
(systemd, a container runtime) sees the failure instead of a half-running pairhub.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import TYPE_CHECKING

import uvicorn

from pairhub import bootstrap
from pairhub.config import Settings
from pairhub.entrypoints import http_limits, metrics
from pairhub.entrypoints.startup import EXIT_MISCONFIGURED, refusing_misconfiguration

if TYPE_CHECKING:
    from fastapi import FastAPI

STOP_TIMEOUT_S = 20.0
"""How long children get to finish in-flight requests and deliveries after SIGTERM."""
ORPHAN_GRACE_S = 1.5
"""How long a child whose parent died may drain before it ends anyway (children end within 2 s)."""
PARENT_WATCH_S = 0.1
PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """End this process soon after `parent_pid` dies, whatever signal killed it (even SIGKILL).

    On Linux the kernel sends SIGTERM at the parent's death (`PR_SET_PDEATHSIG`), which starts the
    usual drain; everywhere, a thread that sees the parent gone does the same. Either way the process
    ends within ORPHAN_GRACE_S: an orphan must not keep the port nor answer `/readyz` for a pairhub
    that is no longer there.
    """
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent-watch", daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    # The parent may have died before prctl took effect: the watch covers that window too.
    while os.getppid() == parent_pid:
        time.sleep(PARENT_WATCH_S)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(ORPHAN_GRACE_S)
    os._exit(1)


def _api_process(listener: socket.socket, parent_pid: int) -> None:
    """One API process: requests on the shared socket, its own activity flush, no delivery."""
    from pairhub.entrypoints.api.app import create_app
    from pairhub.entrypoints.worker import start_background

    die_with_parent(parent_pid)
    with refusing_misconfiguration():
        settings = Settings()
        bootstrap.configure_logging(settings.log_format)
        container = bootstrap.build(settings)
    serve_api(create_app(container, partial(start_background, role="api")), listener)


YOUNG_COLLECTION_THRESHOLD = 10_000
"""Allocations between two collections of the youngest generation (Python's default is 700)."""


def freeze_startup_heap() -> None:
    """Set what exists now aside from garbage collection, and collect the young generation less often."""
    # Modules, the application, the container: frozen, they are no longer walked by every full
    # collection, which a busy ingest (thousands of short-lived objects a request) triggers every few
    # requests (a third of a request's time on a large heap), and which pauses a delivery step.
    gc.collect()
    gc.freeze()
    # A request of 1,000 messages or pairings builds several thousand records that live until it is
    # answered: at 700 the collector ran a dozen times a request, walking them each time (a fifth of
    # a steady ingest request's CPU). 10,000 young objects cost a few MB at most before a collection.
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, older, oldest)


def serve_api(application: FastAPI, listener: socket.socket) -> None:
    """Answer requests on `listener` until stopped, the heap built so far set aside from collection."""
    freeze_startup_heap()
    container = getattr(application.state, "container", None)
    limits = http_limits.HttpLimits.of(container.settings) if container else http_limits.HttpLimits()
    config = uvicorn.Config(
        application, log_level="warning", access_log=False, **http_limits.uvicorn_options(limits)
    )
    uvicorn.Server(config).run(sockets=[listener])


def _background_process(parent_pid: int) -> None:
    """The delivery worker, the reminder scheduler and the MQTT subscriber."""
    from pairhub.entrypoints.worker import run_forever

    die_with_parent(parent_pid)
    with refusing_misconfiguration():
        settings = Settings()
        bootstrap.configure_logging(settings.log_format)
        container = bootstrap.build(settings)
    run_forever(container)


def run(listener: socket.socket, api_processes: int, on_started: Callable[[], None]) -> int:
    """Run the children until SIGTERM/SIGINT (exit code 0) or until one of them dies (1; 2 when it
    could not start as configured)."""
    own_metrics = metrics.shared_directory() is None
    if own_metrics:
        # The children share their metrics through files: the API processes' /metrics shows all of them.
        os.environ[metrics.MULTIPROCESS_VARIABLE] = tempfile.mkdtemp(prefix="pairhub-metrics-")
    try:
        return _run(listener, api_processes, on_started)
    finally:
        if own_metrics:
            shutil.rmtree(os.environ.pop(metrics.MULTIPROCESS_VARIABLE), ignore_errors=True)


def _run(listener: socket.socket, api_processes: int, on_started: Callable[[], None]) -> int:
    context = multiprocessing.get_context("spawn")
    parent = os.getpid()
    children: list[BaseProcess] = [
        context.Process(target=_api_process, args=(listener, parent), name=f"pairhub-api-{n + 1}")
        for n in range(api_processes)
    ]
    children.append(context.Process(target=_background_process, args=(parent,), name="pairhub-background"))
    stopping = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    for child in children:
        child.start()
    on_started()
    failed: int | None = None
    while not stopping.is_set():
        ended = [child.exitcode for child in children if child.exitcode is not None]
        if ended:
            failed = ended[0]
            break
        stopping.wait(0.2)
    _stop(children)
    # Ctrl-C reaches the whole process group: children ending on it did not fail.
    if failed is None or stopping.is_set():
        return 0
    return EXIT_MISCONFIGURED if failed == EXIT_MISCONFIGURED else 1


def _stop(children: list[BaseProcess]) -> None:
    for child in children:
        if child.pid is not None and child.exitcode is None:
            os.kill(child.pid, signal.SIGTERM)
    for child in children:
        child.join(STOP_TIMEOUT_S)
        if child.exitcode is None:
            child.kill()
            child.join()
        if child.pid is not None:
            metrics.process_ended(child.pid)  # also when it could not say so itself (killed)
