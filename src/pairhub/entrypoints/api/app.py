"""The ASGI application: routers, problem documents, body limits, metrics and lifespan."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pairhub import __version__
from pairhub.bootstrap import Container
from pairhub.entrypoints import json_input
from pairhub.entrypoints.api import deps, openapi, problems, webhooks_doc
from pairhub.entrypoints.api.idempotency import Idempotency
from pairhub.entrypoints.api.metrics import HTTP_LATENCY, HTTP_REQUESTS
from pairhub.entrypoints.api.request_ids import RequestIds
from pairhub.entrypoints.api.routers import (
    assets,
    audit,
    event_types,
    events,
    feeds,
    instance_people,
    ops,
    organizations,
    overview,
    pairings,
    people,
    recovery,
    subscriptions,
    unit_messages,
    units,
    unknown_units,
)
from pairhub.entrypoints.ui import routes as ui

BackgroundStarter = Callable[[Container], Awaitable[Callable[[], Awaitable[None]]]]
"""Starts background work (worker, scheduler) and returns the coroutine function that stops it."""


class BodyLimit:
    """Refuse request bodies over `max_bytes` with 413, whether or not Content-Length is sent."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap `receive` so that it counts bytes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        too_large = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _TooLarge
            return message

        async def unless_too_large(message: Message) -> None:
            # The app may turn the aborted read into its own answer (FastAPI says 400); drop it.
            if not too_large:
                await send(message)

        with suppress(_TooLarge):
            await self.app(scope, counting_receive, unless_too_large)
        if too_large:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problems.problem(
            413, "payload_too_large", f"Request bodies are limited to {self.max_bytes} bytes."
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


class JsonBounds:
    """Every API body is JSON, bounded by `json_input` (nesting, numbers, container sizes) before a
    route's parser recurses into it.

    A body sent to `/v1/` without a JSON Content-Type is refused with 415 before any route sees it:
    FastAPI before 0.132 parses a body without a Content-Type as JSON, later versions hand it on as
    bytes; refusing it keeps every parsed body screened whichever version runs. The unit-message route
    bounds its own parsing (its fast path decodes a fixed shape that cannot nest) and is not screened here.
    """

    def __init__(self, app: ASGIApp, skip: frozenset[str] = frozenset({"/v1/unit-messages"})) -> None:
        self.app = app
        self.skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a non-JSON API body; read a JSON body whole, check it, and hand it on unchanged."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_json, has_body = _declared_body(scope)
        if has_body and not is_json and scope["path"].startswith(API_PREFIX):
            await _not_json()(scope, receive, send)
            return
        if not is_json or scope["path"] in self.skip:
            # No body, a page's form, or the route that bounds its own parsing.
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([], message, receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        refusal = json_input.screen(body) if body else None
        if refusal is not None:
            await _refused(refusal)(scope, receive, send)
            return
        await self.app(scope, _replay([body], None, receive), send)


API_PREFIX = "/v1/"
"""Where every operation that takes a body takes JSON (the UI's pages under /ui take forms)."""


def _refused(refusal: json_input.Refusal) -> Response:
    """400 `malformed_json`, or one validation error for a container too large to explain member by member."""
    if refusal.status == 400:
        return problems.problem(400, "malformed_json", refusal.detail)
    error = {
        "location": ["body", *(part[: problems.MAX_LOCATION_PART] for part in refusal.where)],
        "message": refusal.detail,
        "type": "too_long",
    }
    detail = "The request does not match the expected shape."
    return problems.problem(422, "validation_error", detail, extra={"errors": [error]})


def _not_json() -> Response:
    detail = "Request bodies are JSON: send them with `Content-Type: application/json`."
    return problems.problem(415, "unsupported_media_type", detail)


def _declared_body(scope: Scope) -> tuple[bool, bool]:
    """What the headers say of the body: whether its Content-Type is JSON, and whether one comes."""
    content_type: bytes | None = None
    has_body = False
    for name, value in scope["headers"]:
        if name == b"content-type" and content_type is None:
            content_type = value  # the first, as FastAPI reads it
        elif name == b"content-length":
            has_body = has_body or value.strip() not in (b"", b"0")
        elif name == b"transfer-encoding":
            has_body = True
    return json_input.is_json_type(content_type), has_body


def _replay(chunks: list[bytes], pending: Message | None, receive: Receive) -> Receive:
    """A `receive` that gives the body read already, then whatever the connection says next."""
    queued: list[Message] = [{"type": "http.request", "body": chunk, "more_body": False} for chunk in chunks]
    if pending is not None:
        queued.append(pending)

    async def replayed() -> Message:
        return queued.pop(0) if queued else await receive()

    return replayed


SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    # Pages that pair, unpair, rotate or delete must not be framed by another site (clickjacking).
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
)


class RefuseNul:
    """400 for a URL with a NUL character in its path or query: no value of this API holds one, and
    PostgreSQL cannot compare text with it (it would fail the query, not just find nothing)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse, or pass the request on."""
        if scope["type"] == "http" and (
            "\x00" in scope["path"] or b"%00" in scope["query_string"] or b"\x00" in scope["query_string"]
        ):
            response = problems.problem(400, "invalid_request", "NUL characters are not allowed in URLs.")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Add the security headers to every response (plain ASGI, like the other middlewares)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Append the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        path: str = scope["path"]
        is_page = path.startswith("/ui") and not path.startswith("/ui/static")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in SECURITY_HEADERS if name not in present]
                if is_page and b"cache-control" not in present:
                    # A page shows an organization's data (and a new secret, once): no cache keeps it.
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


class RequestMetrics:
    """Count and time requests by route template (plain ASGI: the function-middleware wrapper costs
    more than a small endpoint itself)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Observe the status the app answers and how long it took."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            path = getattr(scope.get("route"), "path", "unmatched")
            HTTP_LATENCY.labels(scope["method"], path).observe(time.perf_counter() - started)
            HTTP_REQUESTS.labels(scope["method"], path, str(status)).inc()


STATIC = Path(__file__).resolve().parent / "static"
UI_STATIC = Path(__file__).resolve().parents[1] / "ui" / "static"


def _install_docs(app: FastAPI) -> None:
    """The interactive API docs at /docs, from the vendored Swagger UI (no CDN), and the favicon."""
    app.mount("/docs/static", StaticFiles(directory=STATIC / "swagger"), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="pairhub API",
            swagger_js_url="/docs/static/swagger-ui-bundle.js",
            swagger_css_url="/docs/static/swagger-ui.css",
            swagger_favicon_url="/ui/static/favicon.svg",
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(UI_STATIC / "favicon.svg", media_type="image/svg+xml")


def create_app(container: Container, start_background: BackgroundStarter | None = None) -> FastAPI:
    """Build the application around a container."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = await start_background(container) if start_background else None
        try:
            yield
        finally:
            if stop is not None:
                await stop()

    app = FastAPI(
        title="pairhub",
        version=__version__,
        summary="Pairs telematics units with assets and delivers pairing events as Datahub webhooks.",
        lifespan=lifespan,
        # Served from vendored assets below, so the API docs work without internet access.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        # The policy table decides every operation before anything else runs.
        dependencies=[Depends(deps.authorize)],
    )
    app.state.container = container
    problems.install(app)
    openapi.install(app, body_models=(unit_messages.UnitMessagesIn,))
    webhooks_doc.install(app)
    routers = (
        ops,
        organizations,
        assets,
        units,
        pairings,
        events,
        event_types,
        unit_messages,
        subscriptions,
        recovery,
        feeds,
        overview,
        people,
        instance_people,
        audit,
        unknown_units,
    )
    # One check for every operation of the API (not the UI's pages): no query parameter goes unread.
    strict_query = [Depends(deps.refuse_unread_input)]
    for module in routers:
        app.include_router(module.router, dependencies=strict_query)
    app.include_router(subscriptions.keys_router, dependencies=strict_query)
    app.include_router(people.accept_router, dependencies=strict_query)
    app.include_router(audit.instance_router, dependencies=strict_query)
    ui.install(app)
    _install_docs(app)

    # Innermost first: an idempotent replay sees only bodies the limits let through.
    app.add_middleware(Idempotency)
    # The body limit sits inside the request ids and metrics, so that a refused body
    # is logged and counted as the 413 it is (not as an unexpected error).
    app.add_middleware(JsonBounds)
    app.add_middleware(BodyLimit, max_bytes=container.settings.max_body_bytes)
    app.add_middleware(RequestIds)
    app.add_middleware(RequestMetrics)
    app.add_middleware(RefuseNul)
    app.add_middleware(SecurityHeaders)
    return app
