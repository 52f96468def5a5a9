"""Limits on HTTP connections before the application, against a real uvicorn with pairhub's protocol:
header size and count (431), a head that trickles in (408 and closed), a stalled body (closed), and
idle connections that do not slow a normal request."""

from __future__ import annotations

import contextlib
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import httpx
import pytest
import uvicorn

from pairhub.bootstrap import Container
from pairhub.entrypoints.api.app import create_app
from pairhub.entrypoints.http_limits import HttpLimits, uvicorn_options
from tests.e2e.processes import free_port

LIMITS = HttpLimits(header_timeout_s=1.0, body_timeout_s=1.0)
"""The defaults, with timeouts short enough for a test."""


@contextmanager
def _server(container: Container, limits: HttpLimits = LIMITS) -> Iterator[int]:
    port = free_port()
    config = uvicorn.Config(
        create_app(container),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        **uvicorn_options(limits),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _exchange(port: int, request: bytes) -> bytes:
    """Send raw bytes and read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        # The server may answer and close before reading everything.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(request)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := connection.recv(65536):
                answer += chunk
        return answer


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


@pytest.fixture
def port(container: Container) -> Iterator[int]:
    """A real server with the limits."""
    with _server(container) as running:
        yield running


def test_a_64_kib_header_is_431(port: int) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 64 * 1024 + b"\r\n\r\n"
    answer = _exchange(port, request)
    assert _status(answer) == 431
    assert b'"code":"request_header_fields_too_large"' in answer


def test_10000_headers_are_431(port: int) -> None:
    headers = b"".join(b"X-H%d: v\r\n" % n for n in range(10_000))
    answer = _exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert _status(answer) == 431


def test_headers_a_real_client_sends_are_taken(port: int) -> None:
    cookie = "session=" + "c" * 8 * 1024  # a large cookie, well within the limit
    headers = {f"X-Trace-{n}": "value" for n in range(40)}
    answer = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"Cookie": cookie, **headers})
    assert answer.status_code == 200


def test_a_head_that_trickles_in_is_closed_within_the_header_timeout(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        opened = time.monotonic()
        answer = b""
        reset = False
        # One header byte every 50 ms, for ever: only the server can end this (the deadline fails it).
        while time.monotonic() - opened < 20 * LIMITS.header_timeout_s:
            try:
                connection.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                reset = True
                break
            connection.settimeout(0.05)
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                continue
            except ConnectionResetError:
                reset = True
                break
            answer += chunk
            if not chunk:
                break
        closed_after = time.monotonic() - opened
    print(f"\nslowloris closed after {closed_after:.2f} s (header timeout {LIMITS.header_timeout_s} s)")
    # The server answers 408 and closes; a byte of ours that arrives after the close makes the kernel
    # reset the connection, which may discard the 408 before it is read: a reset with nothing read is
    # the same close.
    assert answer.startswith(b"HTTP/1.1 408") or (reset and not answer), answer[:100]
    assert closed_after < 20 * LIMITS.header_timeout_s


def test_a_body_that_stalls_is_closed(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=20 * LIMITS.body_timeout_s) as connection:
        connection.sendall(
            b"POST /v1/unit-messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"messages"'
        )
        # The server closes the connection (the application may answer first); recv never waits for ever.
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert b"HTTP/1.1 2" not in answer


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


def test_1000_idle_connections_do_not_delay_a_normal_request(container: Container) -> None:
    limits = replace(LIMITS, header_timeout_s=60.0)  # the idle connections stay for the measurement
    with _server(container, limits) as port, httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:

        def timed(count: int) -> list[float]:
            samples = []
            for _ in range(count):
                started = time.perf_counter()
                answer = client.get("/healthz")
                samples.append(time.perf_counter() - started)
                assert answer.status_code == 200
            return samples

        timed(50)  # warm up
        alone = timed(300)
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(1000)]
        try:
            crowded = timed(300)
            # Every idle connection is still open: none was refused to make room.
            for connection in idle[:50]:
                connection.setblocking(False)
                with pytest.raises(BlockingIOError):
                    connection.recv(1)
        finally:
            for connection in idle:
                connection.close()
    print(
        f"\n/healthz p50/p99 alone {statistics.median(alone) * 1000:.2f}/{_p99(alone) * 1000:.2f} ms, "
        f"beside 1,000 idle connections {statistics.median(crowded) * 1000:.2f}/{_p99(crowded) * 1000:.2f} ms"
    )
    # The typical request beside the idle connections is no slower than the slowest usual one.
    assert statistics.median(crowded) <= _p99(alone)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """SQLite only: the limits are the server's, whatever the database."""
    return sqlite_url
