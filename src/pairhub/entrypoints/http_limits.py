"""Limits on HTTP connections, enforced before the application sees a request.

uvicorn bounds idle keep-alive (`timeout_keep_alive`) and concurrency (`limit_concurrency`, 503 past
it) but neither the size nor the number of request headers nor the time a client takes to send them:
one 16 MiB header was read whole into memory, and a connection sending a header byte now and then
stayed open for ever. `LimitedHttp` is uvicorn's httptools protocol with those limits added:

- the request head (request line and headers) is at most `max_header_bytes` and holds at most
  `max_headers` headers, else 431 and the connection is closed (counted before the parser keeps more);
- the head must be complete within `header_timeout_s` of the connection opening or of the previous
  answer (else 408, or a plain close when nothing was sent);
- a body must not pause longer than `body_timeout_s` between two reads (else the connection is closed;
  the application sees the client gone).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import structlog
from prometheus_client import Counter
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from pairhub.config import Settings
from pairhub.entrypoints.api import problems

log = structlog.get_logger("pairhub.http")

REFUSED = Counter(
    "pairhub_http_connections_refused_total",
    "Connections refused or closed before the application, by reason.",
    ["reason"],
)

_REASONS = {431: "Request Header Fields Too Large", 408: "Request Timeout"}


@dataclass(frozen=True)
class HttpLimits:
    """The limits of every HTTP connection (`PAIRHUB_HTTP_*`)."""

    max_header_bytes: int = 32 * 1024
    max_headers: int = 100
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    keep_alive_s: float = 5.0
    max_connections: int = 2048

    @classmethod
    def of(cls, settings: Settings) -> HttpLimits:
        """The limits the settings give."""
        return cls(
            max_header_bytes=settings.http_max_header_bytes,
            max_headers=settings.http_max_headers,
            header_timeout_s=settings.http_header_timeout,
            body_timeout_s=settings.http_body_timeout,
            keep_alive_s=settings.http_keep_alive,
            max_connections=settings.http_max_connections,
        )


def uvicorn_options(limits: HttpLimits) -> dict[str, Any]:
    """The `uvicorn.Config` options that enforce `limits`."""
    protocol = type("LimitedHttp", (LimitedHttp,), {"limits": limits})
    return {
        "http": protocol,
        "timeout_keep_alive": limits.keep_alive_s,
        "limit_concurrency": limits.max_connections,
    }


class LimitedHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing heads too large or too slow and bodies that stall."""

    limits = HttpLimits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._head_started = False
        self._head_bytes = 0
        self._parsed_bytes = 0
        self._header_count = 0
        self._refusal: tuple[str, str] | None = None
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock on the first request's head."""
        super().connection_made(transport)
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the timers."""
        self._cancel_timers()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """Parse, counting a head's bytes as they come, so that no more than the limit is ever kept."""
        if self._refusal is not None:
            return
        in_head = self._in_head
        self._head_started = self._head_started or in_head
        super().data_received(data)
        if self._refusal is None and in_head and self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > self.limits.max_header_bytes:
                self._refuse_head("headers_too_large")
        if self._refusal is not None and not self.transport.is_closing():
            self._answer_refusal()

    def on_url(self, url: bytes) -> None:
        """Count the request line."""
        self._parsed_bytes += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        """Count the headers and their bytes; past a limit the request is refused, unseen by the app."""
        self._header_count += 1
        self._parsed_bytes += len(name) + len(value) + 4
        if self._header_count > self.limits.max_headers:
            self._refuse_head("too_many_headers")
        elif self._parsed_bytes > self.limits.max_header_bytes:
            self._refuse_head("headers_too_large")
        if self._refusal is None:
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        """The head is in: stop its clock, start the body's."""
        if self._refusal is not None:
            return
        self._in_head = False
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().on_headers_complete()
        self._await_body()

    def on_body(self, body: bytes) -> None:
        """A part of the body: its clock starts again."""
        if self._refusal is None:
            super().on_body(body)
            self._await_body()

    def on_message_complete(self) -> None:
        """The whole request is in; the next head's clock starts when its answer is complete."""
        if self._refusal is not None:
            return
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
        super().on_message_complete()

    def on_response_complete(self) -> None:
        """The answer is out: wait for the next head (uvicorn's keep-alive timeout closes an idle one)."""
        super().on_response_complete()
        if self.transport.is_closing():
            return
        self._in_head, self._head_started = True, False
        self._head_bytes = self._parsed_bytes = self._header_count = 0
        self._await_head()

    def _await_head(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(self.limits.header_timeout_s, self._head_too_slow)

    def _await_body(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
        self._body_timer = self.loop.call_later(self.limits.body_timeout_s, self._body_too_slow)

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self._in_head or self.transport.is_closing():
            return
        if not self._head_started:
            # Nothing sent: an idle connection, closed without an answer as a keep-alive timeout does.
            REFUSED.labels("idle").inc()
            self.transport.close()
            return
        self._refusal = (
            "header_timeout",
            f"Request headers must arrive within {self.limits.header_timeout_s:g} s.",
        )
        self._answer_refusal()

    def _body_too_slow(self) -> None:
        self._body_timer = None
        if self.transport.is_closing() or self.cycle is None or not self.cycle.more_body:
            return
        if self.flow.read_paused:
            self._await_body()  # the application is not reading: no delay of the client's
            return
        REFUSED.labels("body_timeout").inc()
        log.warning("http_body_timeout", client=_client(self.client), timeout_s=self.limits.body_timeout_s)
        self.transport.close()

    def _refuse_head(self, reason: str) -> None:
        if self._refusal is not None:
            return
        if reason == "too_many_headers":
            self._refusal = (reason, f"A request has at most {self.limits.max_headers} headers.")
        else:
            self._refusal = (reason, f"Request headers are limited to {self.limits.max_header_bytes} bytes.")

    def _answer_refusal(self) -> None:
        """Answer a problem document before any application and close the connection."""
        assert self._refusal is not None
        reason, detail = self._refusal
        status = 408 if reason == "header_timeout" else 431
        self._cancel_timers()
        REFUSED.labels(reason).inc()
        log.warning("http_request_refused", status=status, reason=reason, client=_client(self.client))
        response = problems.problem(status, problems.code_of_status(status), detail)
        head = (
            f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
            "content-type: application/problem+json\r\n"
            f"content-length: {len(response.body)}\r\n"
            "connection: close\r\n\r\n"
        )
        self.transport.write(head.encode() + bytes(response.body))
        self.transport.close()

    def _cancel_timers(self) -> None:
        for timer in (self._head_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._body_timer = None


def _client(client: tuple[str, int] | None) -> str:
    return f"{client[0]}:{client[1]}" if client else "unknown"
