"""A hostile webhook receiver: a raw TCP server on loopback that answers each path its own odd way.

HTTP libraries refuse to send most of what a broken or malicious receiver sends (a 1 MB header, a
status line that is not HTTP, a body that never ends, a reset), so the answers are written as bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter, asyncio.Event], Awaitable[None]]
"""What the receiver does once it has read a request: write something, or not, then return."""


def raw(answer: bytes) -> Behaviour:
    """Write these bytes and close."""

    async def behave(_: asyncio.StreamReader, writer: asyncio.StreamWriter, __: asyncio.Event) -> None:
        writer.write(answer)
        await writer.drain()

    return behave


def status(code: int, *headers: str, body: bytes = b"", reason: str = "Odd") -> Behaviour:
    """A complete answer with this status line, these header lines and this body."""
    head = "".join(f"{line}\r\n" for line in (*headers, f"Content-Length: {len(body)}"))
    return raw(f"HTTP/1.1 {code} {reason}\r\n{head}Connection: close\r\n\r\n".encode() + body)


def endless_body() -> Behaviour:
    """200 with a chunked body that never ends: chunks until the client hangs up or the test ends."""

    async def behave(_: asyncio.StreamReader, writer: asyncio.StreamWriter, done: asyncio.Event) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"1000\r\n" + b"x" * 0x1000 + b"\r\n"
        with contextlib.suppress(ConnectionError):
            while not done.is_set():
                writer.write(chunk)
                await writer.drain()

    return behave


def drip(answer: bytes, every_s: float) -> Behaviour:
    """Write the answer one byte at a time, `every_s` apart (a receiver slower than any timeout)."""

    async def behave(_: asyncio.StreamReader, writer: asyncio.StreamWriter, done: asyncio.Event) -> None:
        with contextlib.suppress(ConnectionError):
            for byte in answer:
                if done.is_set():
                    return
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(every_s)

    return behave


def reset() -> Behaviour:
    """Read the request, then reset the connection (RST, not FIN)."""

    async def behave(_: asyncio.StreamReader, writer: asyncio.StreamWriter, __: asyncio.Event) -> None:
        # SO_LINGER with a zero timeout makes close() send RST.
        writer.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        writer.transport.abort()

    return behave


def silent() -> Behaviour:
    """Accept, read the request, and never answer (until the receiver is released or stopped)."""

    async def behave(_: asyncio.StreamReader, __: asyncio.StreamWriter, done: asyncio.Event) -> None:
        await done.wait()

    return behave


class HostileReceiver:
    """Serves `behaviours` by path on 127.0.0.1 from its own thread; 404 for any other path."""

    def __init__(self, behaviours: Mapping[str, Behaviour]) -> None:
        self._behaviours = dict(behaviours)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._done: asyncio.Event | None = None
        self._counts: Counter[str] = Counter()
        self._serving: set[asyncio.Task[None]] = set()
        self._lock = threading.Lock()
        self.port = 0

    def __enter__(self) -> HostileReceiver:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        self._done = asyncio.Event()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        assert self._done is not None and self._server is not None
        self._done.set()
        self._server.close()
        # Every behaviour ends once `done` is set; wait for them so no connection outlives the loop.
        await asyncio.wait(self._serving, timeout=5) if self._serving else None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._done is not None
        task = asyncio.current_task()
        assert task is not None
        self._serving.add(task)
        try:
            path = await _read_request(reader)
            with self._lock:
                self._counts[path] += 1
            behaviour = self._behaviours.get(path, status(404, reason="Not Found"))
            await behaviour(reader, writer, self._done)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client gave up first: that is its business
        finally:
            writer.close()
            self._serving.discard(task)

    def release(self) -> None:
        """End every behaviour that waits (silent receivers close their connections)."""
        assert self._done is not None
        self._loop.call_soon_threadsafe(self._done.set)

    def url(self, path: str) -> str:
        """The URL of `path` on this receiver."""
        return f"http://127.0.0.1:{self.port}{path}"

    def requests(self, path: str) -> int:
        """How many requests for `path` were read so far."""
        with self._lock:
            return self._counts[path]


async def _read_request(reader: asyncio.StreamReader) -> str:
    """Read one request (head and Content-Length body) and return its path."""
    head = await reader.readuntil(b"\r\n\r\n")
    request_line, *lines = head.decode("latin-1").split("\r\n")
    length = 0
    for line in lines:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    await reader.readexactly(length)
    return request_line.split(" ")[1]
