"""A request id on every request and response, and unexpected errors logged once with it."""

from __future__ import annotations

import re
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pairhub.entrypoints.api.problems import problem

log = structlog.get_logger("pairhub.api")

_OFFERED_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
"""An id offered in `X-Request-ID` is kept only in this shape: it goes into logs and a header."""


def request_id(offered: bytes | None) -> str:
    """The caller's request id when it is a safe token, or a fresh one."""
    if offered is not None:
        text = offered.decode("latin-1")
        if _OFFERED_ID.fullmatch(text):
            return text
    return uuid.uuid4().hex


class RequestIds:
    """Binds a request id to the logs, returns it as `X-Request-ID`, and answers 500 for unexpected errors.

    Catching here, rather than leaving the error to Starlette's outermost handler, keeps the server from
    printing its own plain-text traceback beside the structured log line.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with its id bound; log and answer an unexpected error once."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(dict(scope["headers"]).get(b"x-request-id"))
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=rid):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:  # every unexpected error ends here, logged once as one structured line
                log.exception("unhandled_error", path=scope.get("path", ""), method=scope.get("method", ""))
                if started:
                    return
                response = problem(500, "internal_error", "An unexpected error occurred; it has been logged.")
                response.headers["x-request-id"] = rid
                await response(scope, receive, send)
