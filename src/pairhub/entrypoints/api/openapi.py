"""The OpenAPI 3.1 document: FastAPI's, plus the problem documents every operation may answer."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from pairhub.entrypoints.api import openapi_clients, openapi_document
from pairhub.entrypoints.api.problems import BEYOND_RETENTION_SCHEMA

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document; `code` is stable and meant for programs.",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail", "code"],
    "additionalProperties": True,
}

_PROBLEM_STATUSES = {
    "400": "Malformed JSON or an invalid cursor.",
    "401": "No token, or an unknown or revoked one.",
    "403": "The token may not do this.",
    "404": "No such object in the caller's organization.",
    "409": "The request contradicts the current state.",
    "413": "The request body is too large.",
    "422": "The request is well-formed but breaks a rule; unknown fields are refused.",
    "503": "The database has no room for writes (`storage_full`) or cannot be reached "
    "(`storage_unavailable`); send it again after `Retry-After`.",
}
_UNAUTHENTICATED = {
    "/healthz": {"413"},
    "/readyz": {"413"},
    "/metrics": {"413"},
    "/v1/subscriptions/{sub_id}/jwks.json": {"404", "413", "422"},
    "/v1/event-types": {"413", "422"},
}
"""Operations without a token, with the problem statuses they can still answer."""
_NOT_JSON = "The body is not sent as JSON (`Content-Type: application/json`)."


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _body_schemas(models: tuple[type[BaseModel], ...]) -> dict[str, Any]:
    """Component schemas of request bodies that a route reads itself (declared in `openapi_extra`)."""
    if not models:
        return {}
    _, top = models_json_schema(
        [(model, "validation") for model in models], ref_template="#/components/schemas/{model}"
    )
    found: dict[str, Any] = top.get("$defs", {})
    return found


def install(app: FastAPI, body_models: tuple[type[BaseModel], ...] = ()) -> None:
    """Replace `app.openapi` with a generator that documents problem responses everywhere."""

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            routes=app.routes,
            webhooks=app.webhooks.routes,
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"] = PROBLEM_SCHEMA
        schemas["BeyondRetentionProblem"] = BEYOND_RETENTION_SCHEMA
        for name, schema in _body_schemas(body_models).items():
            schemas.setdefault(name, schema)
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        for path, operations in document["paths"].items():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in _PROBLEM_STATUSES.items():
                    if path in _UNAUTHENTICATED and status not in _UNAUTHENTICATED[path]:
                        if status != "503":  # /readyz documents its own 503; the others never write
                            responses.pop(status, None)
                        continue
                    responses[status] = _problem_response(description)
                if "requestBody" in operation:
                    responses["415"] = _problem_response(_NOT_JSON)
        openapi_clients.refine(document)
        openapi_document.complete(document, app.state.container.settings.public_url)
        app.openapi_schema = document
        return document

    app.openapi = build  # type: ignore[method-assign]
