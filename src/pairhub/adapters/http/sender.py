"""The webhook sender: one POST, no redirects, connecting only to addresses the SSRF guard has checked."""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import time
from collections.abc import Mapping

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from pairhub.adapters.http.ssrf import TargetGuard, TargetRefused
from pairhub.ports import SendResult

EXCERPT_BYTES = 2048


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that only hands out addresses the guard accepted, so the checked IP is dialled."""

    def __init__(self, guard: TargetGuard) -> None:
        self._guard = guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve, check every address, return them as numeric results (no second lookup happens)."""
        addresses = await asyncio.to_thread(self._guard.resolve_checked, host, port)
        results: list[ResolveResult] = []
        for address in addresses:
            address_family = socket.AF_INET6 if ":" in address else socket.AF_INET
            if family in (socket.AF_INET, socket.AF_INET6) and family != address_family:
                continue
            results.append(
                ResolveResult(
                    hostname=host,
                    host=address,
                    port=port,
                    family=address_family,
                    proto=0,
                    flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
                )
            )
        if not results:
            raise TargetRefused(f"{host} has no address of the requested family")
        return results

    async def close(self) -> None:
        """Nothing to release."""


class AiohttpSender:
    """The production sender on aiohttp (chosen by measurement, see docs/architecture-delivery.md)."""

    def __init__(self, guard: TargetGuard, timeout_s: float, max_connections: int = 100) -> None:
        self._guard = guard
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._timeout_s = timeout_s
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def _session_or_new(self) -> aiohttp.ClientSession:
        # Created lazily: a session belongs to the event loop that runs the first send.
        if self._session is None:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self._guard),
                limit=self._max_connections,
                # Every new connection asks the guard again; a short cache bounds DNS rebinding windows.
                ttl_dns_cache=10,
            )
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self._timeout, trust_env=False, auto_decompress=False
            )
        return self._session

    async def send(
        self, url: str, body: bytes, headers: Mapping[str, str], *, whole_answer: int | None = None
    ) -> SendResult:
        """POST once; redirects are answers (3xx), not followed.

        A receiver may close an idle keep-alive connection just as we reuse it; that request never
        reached it, so it is sent once more at once on a fresh connection (the batch id makes a
        repeat harmless) instead of counting as a failed attempt.
        """
        started = time.perf_counter()
        try:
            self._guard.check_before_connect(url)
            try:
                return await self._post(url, body, headers, started, whole_answer)
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as stale:
                if isinstance(stale, aiohttp.ClientConnectorError):
                    raise
                return await self._post(url, body, headers, started, whole_answer)
        except TargetRefused as refused:
            return SendResult(None, "", _elapsed_ms(started), f"target refused: {refused.reason}")
        except TimeoutError:
            return SendResult(None, "", _elapsed_ms(started), f"timeout after {self._timeout_s:g} s")
        except aiohttp.ClientError as error:
            cause = error.__cause__
            if isinstance(cause, TargetRefused):
                return SendResult(None, "", _elapsed_ms(started), f"target refused: {cause.reason}")
            return SendResult(None, "", _elapsed_ms(started), describe_error(error))

    async def _post(
        self, url: str, body: bytes, headers: Mapping[str, str], started: float, whole_answer: int | None
    ) -> SendResult:
        session = self._session_or_new()
        async with session.post(url, data=body, headers=dict(headers), allow_redirects=False) as response:
            if whole_answer is None:
                excerpt = await response.content.read(EXCERPT_BYTES)
            else:
                excerpt = await _read_up_to(response.content, whole_answer)
            return SendResult(
                status=response.status,
                excerpt=excerpt.decode("utf-8", errors="replace"),
                duration_ms=_elapsed_ms(started),
                retry_after=response.headers.get("Retry-After"),
            )

    async def close(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None


async def _read_up_to(stream: aiohttp.StreamReader, limit: int) -> bytes:
    # `read(n)` returns what has arrived; a token answer may come in several chunks.
    parts: list[bytes] = []
    left = limit
    while left > 0:
        chunk = await stream.read(left)
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


_DROPPED = {ConnectionResetError: errno.ECONNRESET, BrokenPipeError: errno.EPIPE}


def _system_reason(error: OSError) -> str | None:
    """The system's words for why a connection failed, e.g. "Connection reset by peer"."""
    # aiohttp's text for a failed write names the URL, not the cause ("Can not write request body for
    # …"); the cause it chains says the receiver reset the connection, with an errno or as its type.
    cause = error.__cause__
    if not error.errno and isinstance(cause, OSError):
        error = cause
    code = error.errno or next((n for kind, n in _DROPPED.items() if isinstance(error, kind)), None)
    return os.strerror(code) if code else error.strerror


def describe_error(error: BaseException) -> str:
    """A readable reason for a failed request, without aiohttp's internals (`ssl:default`, `[None]`)."""
    if isinstance(error, aiohttp.ClientConnectorError):
        os_error = error.os_error
        reason = os.strerror(os_error.errno) if os_error.errno else str(os_error) or type(os_error).__name__
        return f"cannot connect to {error.host}:{error.port}: {reason}"[:500]
    if isinstance(error, aiohttp.ServerDisconnectedError):
        return "the receiver closed the connection without answering"
    if isinstance(error, aiohttp.ClientOSError):
        system_reason = _system_reason(error)
        if system_reason:
            return f"connection error: {system_reason}"[:500]
    if isinstance(error, aiohttp.ClientResponseError):
        # Raised by the response parser (redirects are not followed, statuses are not raised): aiohttp
        # calls it a 400, which the receiver never sent; say what was wrong with its answer instead.
        reason = " ".join(error.message.split())
        return f"the answer is not valid HTTP: {reason}"[:500]
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:500]
