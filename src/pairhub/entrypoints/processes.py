"""`pairhub serve --workers N`: N API processes sharing one listening socket, and one background process.

The API and the delivery worker stop sharing one interpreter: each API process answers requests (and
flushes its own buffered unit activity), the background process delivers webhooks, sends reminders
and subscribes to MQTT. The parent only binds the socket, migrates, starts the children and passes
SIGTERM/SIGINT on; when any child dies it stops the others and exits with an error, so a supervisor
(systemd, a container runtime) sees the failure instead of a half-running pairhub.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import socket
import threading
from collections.abc import Callable
from functools import partial
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import TYPE_CHECKING

import uvicorn

from pairhub import bootstrap
from pairhub.adapters import logging as pairhub_logging
from pairhub.config import Settings
from pairhub.entrypoints import http_limits

if TYPE_CHECKING:
    from fastapi import FastAPI

STOP_TIMEOUT_S = 20.0
"""How long children get to finish in-flight requests and deliveries after SIGTERM."""


def _api_process(listener: socket.socket) -> None:
    """One API process: requests on the shared socket, its own activity flush, no delivery."""
    from pairhub.entrypoints.api.app import create_app
    from pairhub.entrypoints.worker import start_background

    settings = Settings()
    pairhub_logging.configure(settings.log_format)
    container = bootstrap.build(settings)
    serve_api(create_app(container, partial(start_background, role="api")), listener)


def freeze_startup_heap() -> None:
    """Set what exists now aside from garbage collection: it lives as long as the process."""
    # Modules, the application, the container: frozen, they are no longer walked by every full
    # collection, which a busy ingest (thousands of short-lived objects a request) triggers every few
    # requests (a third of a request's time on a large heap), and which pauses a delivery step.
    gc.collect()
    gc.freeze()


def serve_api(application: FastAPI, listener: socket.socket) -> None:
    """Answer requests on `listener` until stopped, the heap built so far set aside from collection."""
    freeze_startup_heap()
    container = getattr(application.state, "container", None)
    limits = http_limits.HttpLimits.of(container.settings) if container else http_limits.HttpLimits()
    config = uvicorn.Config(
        application, log_level="warning", access_log=False, **http_limits.uvicorn_options(limits)
    )
    uvicorn.Server(config).run(sockets=[listener])


def _background_process() -> None:
    """The delivery worker, the reminder scheduler and the MQTT subscriber."""
    from pairhub.entrypoints.worker import run_forever

    settings = Settings()
    pairhub_logging.configure(settings.log_format)
    run_forever(bootstrap.build(settings))


def run(listener: socket.socket, api_processes: int, on_started: Callable[[], None]) -> int:
    """Run the children until SIGTERM/SIGINT (exit code 0) or until one of them dies (1)."""
    context = multiprocessing.get_context("spawn")
    children: list[BaseProcess] = [
        context.Process(target=_api_process, args=(listener,), name=f"pairhub-api-{n + 1}")
        for n in range(api_processes)
    ]
    children.append(context.Process(target=_background_process, name="pairhub-background"))
    stopping = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    for child in children:
        child.start()
    on_started()
    failed = False
    while not stopping.is_set():
        if any(child.exitcode is not None for child in children):
            failed = True
            break
        stopping.wait(0.2)
    _stop(children)
    # Ctrl-C reaches the whole process group: children ending on it did not fail.
    return 1 if failed and not stopping.is_set() else 0


def _stop(children: list[BaseProcess]) -> None:
    for child in children:
        if child.pid is not None and child.exitcode is None:
            os.kill(child.pid, signal.SIGTERM)
    for child in children:
        child.join(STOP_TIMEOUT_S)
        if child.exitcode is None:
            child.kill()
            child.join()
