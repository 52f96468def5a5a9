"""The sender against receivers that close connections: a stale keep-alive is retried, errors read well."""

from __future__ import annotations

import asyncio
import errno
import socket

import aiohttp

from pairhub.adapters.http.sender import AiohttpSender, describe_error
from pairhub.adapters.http.ssrf import TargetGuard, static_resolver

HEADERS = {"Content-Type": "application/json"}


def _sender() -> AiohttpSender:
    return AiohttpSender(TargetGuard(static_resolver({}), allow_private=True, allow_insecure=True), 2.0)


async def test_a_keep_alive_connection_the_receiver_closed_is_retried_at_once() -> None:
    requests: list[int] = []

    async def answer_once_per_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Answer the first request with keep-alive, then drop the connection when the next request
        # arrives on it: what a receiver whose idle timeout fires just as we reuse the connection does.
        await reader.readuntil(b"\r\n\r\n")
        await reader.readexactly(2)
        requests.append(1)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok")
        await writer.drain()
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(answer_once_per_connection, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = _sender()
    try:
        first = await client.send(f"http://127.0.0.1:{port}/hook", b"{}", HEADERS)
        second = await client.send(f"http://127.0.0.1:{port}/hook", b"{}", HEADERS)
    finally:
        await client.close()
        server.close()
        await server.wait_closed()
    assert (first.status, first.error) == (200, None)
    assert (second.status, second.error) == (200, None)
    assert len(requests) == 2


async def test_a_refused_connection_reads_as_such_without_aiohttp_internals() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = _sender()
    try:
        result = await client.send(f"http://127.0.0.1:{port}/hook", b"{}", HEADERS)
    finally:
        await client.close()
    assert result.status is None
    assert result.error is not None
    assert result.error.startswith(f"cannot connect to 127.0.0.1:{port}: ")
    assert "ssl:default" not in result.error and "refused" in result.error.lower()


def test_a_failed_write_is_logged_with_the_system_reason_not_aiohttp_text() -> None:
    written = aiohttp.ClientOSError(errno.ECONNRESET, "Can not write request body for http://r.test/hook")
    broken = aiohttp.ClientOSError(errno.EPIPE, "Can not write request body for http://r.test/hook")

    assert describe_error(written) == "connection error: Connection reset by peer"
    assert describe_error(broken) == "connection error: Broken pipe"
    assert describe_error(aiohttp.ClientOSError(None, "odd")) == "connection error: odd"
    closing = aiohttp.ClientOSError(None, "Can not write request body for http://r.test/hook")
    closing.__cause__ = ConnectionResetError("Cannot write to closing transport")
    assert describe_error(closing) == "connection error: Connection reset by peer"
