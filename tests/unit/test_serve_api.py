"""An API process sets the heap it starts with aside from garbage collection before it answers."""

from __future__ import annotations

import gc
import socket
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from pairhub.entrypoints import processes


def test_the_startup_heap_is_frozen_before_the_server_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def run(server: uvicorn.Server, sockets: list[socket.socket]) -> None:
        seen["frozen"] = gc.get_freeze_count()
        seen["app"] = server.config.app

    monkeypatch.setattr(uvicorn.Server, "run", run)
    application = FastAPI()
    with socket.socket() as listener:
        try:
            processes.serve_api(application, listener)
        finally:
            gc.unfreeze()

    assert seen["frozen"] > 0
    assert seen["app"] is application
