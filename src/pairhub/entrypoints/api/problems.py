"""RFC 9457 problem documents for every refusal, with stable `code`s; never a stack trace."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pairhub.domain.errors import DomainError, ErrorKind, TooSoon
from pairhub.entrypoints import listing
from pairhub.ports import StorageFull, StorageUnavailable

PROBLEM_TYPE_BASE = "https://pairhub.dev/problems/"
log = structlog.get_logger("pairhub.api")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
    431: "request_header_fields_too_large",
}


def code_of_status(status: int) -> str:
    """The code of a refusal known only by its HTTP status."""
    return _HTTP_CODES.get(status, "http_error")


# Every `code` a problem can carry; `/openapi.json` lists them so generated clients get an enum.
PROBLEM_CODES = frozenset(
    {
        *_HTTP_CODES.values(),
        "admin_only",
        "api_key_not_found",
        "asset_has_paired_units",
        "asset_not_found",
        "asset_required",
        "batch_not_found",
        "beyond_retention",
        "datahub_subscription_inactive",
        "duplicate_event_name",
        "duplicate_vin",
        "event_names_required",
        "event_not_offered",
        "feed_not_found",
        "feed_polled_too_soon",
        "http_error",
        "idempotency_key_in_use",
        "idempotency_key_reused",
        "ingest_only",
        "internal_error",
        "invalid_batch_size",
        "invalid_cursor",
        "invalid_idempotency_key",
        "invalid_custom_header",
        "invalid_limit",
        "invalid_max_wait",
        "invalid_request",
        "invalid_secret",
        "invalid_signature_header",
        "invalid_time",
        "invalid_unit_id",
        "invalid_vin",
        "jwks_not_found",
        "malformed_json",
        "not_a_number",
        "organization_not_found",
        "reserved_header",
        "storage_full",
        "storage_unavailable",
        "subscription_limit_reached",
        "subscription_not_found",
        "token_url_refused",
        "too_many_custom_headers",
        "too_many_recoveries",
        "unit_already_paired",
        "unit_exists",
        "unit_is_paired",
        "unit_not_found",
        "unexpected_body",
        "unit_not_paired",
        "unknown_field",
        "unknown_parameter",
        "unsupported_event_version",
        "validation_error",
        "password_too_weak",
        "invalid_email",
        "person_exists",
        "member_not_found",
        "member_exists",
        "last_owner",
        "last_platform_admin",
        "person_not_found",
        "invitation_not_found",
        "wrong_password",
        "expiry_in_the_past",
        "sign_in_locked",
        "webhook_target_refused",
    }
)


class UndeclaredProblemCode(UserWarning):
    """A problem carries a code missing from PROBLEM_CODES (the tests turn this into a failure)."""


STORAGE_FULL_RETRY_AFTER_S = 30
"""How long a caller is asked to wait after a write refused for lack of space."""
STORAGE_UNAVAILABLE_RETRY_AFTER_S = 10
"""How long a caller is asked to wait while the database cannot be reached (a restart takes seconds)."""

STATUS_BY_KIND = {
    ErrorKind.BAD_REQUEST: 400,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.INVALID: 422,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.TOO_SOON: 429,
    ErrorKind.GONE: 410,
}


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain refusal (the API and the UI answer alike)."""
    return STATUS_BY_KIND[error.kind]


class ApiError(Exception):
    """A refusal raised at the edge (authentication, parsing) rather than by a use case."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = extra


def _renderable(value: Any) -> Any:
    """`value` with lone surrogates escaped: a refusal quoting what was sent must still encode as UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list | tuple):
        return [_renderable(item) for item in value]
    if isinstance(value, dict):
        return {_renderable(key): _renderable(item) for key, item in value.items()}
    return value


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """A problem+json response; `extra` members are added to the document (e.g. `assetId`)."""
    if code not in PROBLEM_CODES:
        warnings.warn(f"problem code {code!r} is not in PROBLEM_CODES", UndeclaredProblemCode, stacklevel=2)
    body = _renderable(
        {
            "type": PROBLEM_TYPE_BASE + code,
            "title": code.replace("_", " ").capitalize(),
            "status": status,
            "detail": detail,
            "code": code,
            **(extra or {}),
        }
    )
    sent = dict(headers or {})
    if status == 401:
        sent["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=sent)


MAX_LOCATION_PART = 100
"""Characters of a location part (a field name as sent) echoed in a refusal."""


def _validation_problem(exc: RequestValidationError) -> JSONResponse:
    errors, more = listing.capped(exc.errors())
    invalid = [error for error in errors if error.get("type") == "json_invalid"]
    if invalid:
        # Our bounded reader says why (too deep, too many digits); FastAPI's own reader says less.
        said = str(invalid[0].get("msg", ""))
        return problem(
            400, "malformed_json", said if said.endswith(".") else "The request body is not valid JSON."
        )
    cleaned = [
        {
            "location": [str(part)[:MAX_LOCATION_PART] for part in error.get("loc", ())],
            "message": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]
    unknown = any(error["type"] == "extra_forbidden" for error in cleaned)
    code = "unknown_field" if unknown else "validation_error"
    extra: dict[str, Any] = {"errors": cleaned}
    if more:
        extra["moreErrors"] = more
    return problem(422, code, "The request does not match the expected shape.", extra=extra)


def _allowed_methods(app: FastAPI, path: str) -> list[str]:
    matches: list[tuple[int, set[str]]] = []
    for template, operations in app.openapi()["paths"].items():
        pattern = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            matches.append((template.count("{"), {method.upper() for method in operations}))
    if not matches:
        return []
    # A literal segment beats a parameter (`/pairings/history` over `/pairings/{unit_id}`).
    fewest = min(count for count, _ in matches)
    return sorted(set().union(*(methods for count, methods in matches if count == fewest)))


def install(app: FastAPI) -> None:
    """Register the exception handlers that turn every refusal into a problem document."""

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, TooSoon) else None
        return problem(status_of(exc), exc.code, exc.detail, headers=headers, extra=exc.extra)

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return problem(exc.status, exc.code, exc.detail, extra=exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_problem(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        headers = exc.headers
        if exc.status_code == 405:
            # Methods of one path may sit in different routers; Allow must list them all.
            headers = {"Allow": ", ".join(_allowed_methods(app, request.url.path))}
        return problem(exc.status_code, code, str(exc.detail), headers=headers)

    @app.exception_handler(StorageFull)
    async def _storage_full(_: Request, exc: StorageFull) -> JSONResponse:
        log.error("storage_full", error=str(exc))
        return problem(
            503,
            "storage_full",
            "The database has no space for this write; nothing of the request was kept. Send it again later.",
            headers={"Retry-After": str(STORAGE_FULL_RETRY_AFTER_S)},
        )

    @app.exception_handler(StorageUnavailable)
    async def _storage_unavailable(_: Request, exc: StorageUnavailable) -> JSONResponse:
        # Each refused request logs one short line, never a traceback: the outage is the news, once.
        log.warning("storage_unavailable", error=str(exc))
        return problem(
            503,
            "storage_unavailable",
            "The database cannot be reached; nothing of the request was kept. Send it again later.",
            headers={"Retry-After": str(STORAGE_UNAVAILABLE_RETRY_AFTER_S)},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path)
        return problem(500, "internal_error", "An unexpected error occurred; it has been logged.")


BEYOND_RETENTION_SCHEMA: dict[str, Any] = {
    "title": "BeyondRetentionProblem",
    "description": "410 `beyond_retention`: the problem document with the cursor to read on from.",
    "allOf": [
        {"$ref": "#/components/schemas/Problem"},
        {
            "type": "object",
            "properties": {
                "oldestCursor": {
                    "type": ["string", "null"],
                    "description": "Pass it as `after`: the page starts at the oldest entry still held.",
                }
            },
            "required": ["oldestCursor"],
        },
    ],
}
"""The component `BeyondRetentionProblem` (one schema, so generated clients get one type)."""

BEYOND_RETENTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    410: {
        "description": (
            "`beyond_retention`: the cursor points before the oldest entry still held; what followed it"
            " was deleted by the retention. `oldestCursor` (null when nothing is held) reads on from the"
            " oldest entry still held."
        ),
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/BeyondRetentionProblem"}}
        },
    }
}
"""The 410 of every list whose cursor can fall behind the retention (events, feeds, delivery log, audit)."""
