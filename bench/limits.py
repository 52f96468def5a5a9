"""The machine's own limits, measured in the same run: L-post, L-commit, L-http."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path

import aiohttp

from pairhub.adapters.sql.engine import SQLITE_PRAGMAS


async def _post_loop(url: str, body: bytes, seconds: float, concurrency: int) -> float:
    deadline = time.perf_counter() + seconds
    done = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
                    await r.read()
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - started)


def l_post(url: str, body_size: int, seconds: float = 3.0, concurrency: int = 32) -> float:
    """Requests/s of a bare aiohttp loop posting `body_size` bytes to the receiver."""
    body = b'{"eventType":' + b"x" * max(0, body_size - 14) + b"}"
    return asyncio.run(_post_loop(url, body, seconds, concurrency))


async def _get_loop(url: str, seconds: float, concurrency: int) -> float:
    deadline = time.perf_counter() + seconds
    done = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                async with session.get(url) as r:
                    await r.read()
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - started)


def l_http(base_url: str, seconds: float = 3.0, concurrency: int = 32) -> float:
    """Requests/s of pairhub's empty endpoint (`/healthz`) on its own ASGI stack."""
    return asyncio.run(_get_loop(f"{base_url}/healthz", seconds, concurrency))


def l_commit(seconds: float = 2.0) -> float:
    """SQLite commits/s with pairhub's durability settings, one small row per commit."""
    with tempfile.TemporaryDirectory() as directory:
        connection = sqlite3.connect(Path(directory) / "commit.db", isolation_level=None)
        for pragma in SQLITE_PRAGMAS:
            connection.execute(pragma)
        connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO t (v) VALUES ('x')")
            connection.execute("COMMIT")
            done += 1
        rate = done / (time.perf_counter() - started)
        connection.close()
        return rate
