"""Unit messages from the telematics back end: each message validated on its own (SPEC section 3)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from pairhub.bootstrap import Container
from pairhub.entrypoints import json_input, listing
from pairhub.entrypoints.api.deps import ContainerDep, IngestDep
from pairhub.entrypoints.unit_messages import (
    HotBody,
    UnitMessagesIn,
    UnitMessagesOut,
    hot_body,
    hot_messages,
    parse_message,
)
from pairhub.services.ingest import MAX_MESSAGES, Rejection, UnitMessage

__all__ = ["UnitMessagesIn", "router"]

router = APIRouter(prefix="/v1/unit-messages", tags=["unit messages"])


def _request_document(request: Request, body: bytes) -> object:
    """The request's JSON document, read as FastAPI reads a declared body (compiled decoders first)."""
    if not body:
        return None
    if not json_input.is_json_type(request.headers.get("content-type", "").encode("latin-1")):
        return body  # refused with 415 before the route (app.JsonBounds); pydantic refuses bytes too
    hot = hot_body(body)
    return _json_document(body) if hot is None else hot


def _json_document(body: bytes) -> object:
    """A JSON body as Python values, or the refusal of any malformed JSON body (400 `malformed_json`)."""
    try:
        return json_input.load(body, lenient=True)
    except json_input.MalformedJson as error:
        detail = {"type": "json_invalid", "loc": ("body", 0), "msg": error.detail, "input": {}}
        raise RequestValidationError([detail]) from error


def _messages_of(document: object) -> list[Any]:
    """The `messages` array of a request of the expected shape; pydantic explains any other shape."""
    if type(document) is dict and document.keys() == {"messages"}:
        messages = document["messages"]
        if type(messages) is list and len(messages) <= MAX_MESSAGES:
            return messages
    try:
        return list(UnitMessagesIn.model_validate(document).messages)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from error


def _own_units_only(c: Container, organization_id: str, messages: list[UnitMessage]) -> list[Rejection]:
    """An organization's ingest key posts for its own units: the others' messages are refused as unknown."""
    with c.storage.read() as uow:
        known = uow.units.with_switch({message.unit_id for message in messages})
    foreign = [
        m
        for m in messages
        if m.unit_id not in known or known[m.unit_id][0].organization_id != organization_id
    ]
    for message in foreign:
        messages.remove(message)
    return [Rejection(m.index, "unknown_unit", f"Unit {m.unit_id} is not provisioned.") for m in foreign]


def _nothing_steady(unit_ids: set[str]) -> set[str]:
    """No unit: every message comes as a record."""
    return set()


def _accept(c: Container, document: object, body: bytes, organization_id: str | None = None) -> bytes:
    """Parse every message on its own, ingest the well-formed ones, and render the answer."""
    # An organization's key has its messages checked unit by unit first (`_own_units_only`): they all
    # come as records, which `Ingest.accept` splits again.
    steady_units = c.ingest.steady_units if organization_id is None else _nothing_steady
    hot = hot_messages(document, steady_units) if isinstance(document, HotBody) else None
    messages, reports = ([], []) if hot is None else hot
    refused: list[Rejection] = []
    if hot is None:
        if isinstance(document, HotBody):
            # A message the compiled pass cannot vouch for: the whole request takes the general path.
            document = _json_document(body)
        parsed = [parse_message(index, raw) for index, raw in enumerate(_messages_of(document))]
        messages = [item for item in parsed if isinstance(item, UnitMessage)]
        refused = [item for item in parsed if isinstance(item, Rejection)]
    if organization_id is not None:
        messages = list(messages)
        refused = refused + _own_units_only(c, organization_id, messages)
    result = c.ingest.accept(messages, reports)
    rejected, more = listing.capped(sorted(refused + list(result.rejected), key=lambda r: r.index))
    return orjson.dumps(
        {
            "accepted": result.accepted,
            "rejected": [{"index": r.index, "code": r.code, "detail": r.detail} for r in rejected],
            "moreRejected": more,
        }
    )


@router.post(
    "",
    status_code=202,
    response_model=UnitMessagesOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UnitMessagesIn"}}},
        }
    },
)
async def post_unit_messages(request: Request, principal: IngestDep, c: ContainerDep) -> Response:
    """Take unit messages (ingest or admin token); auto pairing runs when a message calls for it."""
    # The hot path decodes the common shape with msgspec (orjson and hand checks otherwise): pydantic
    # validating a thousand messages cost more than everything else of a request (bench/analysis.md).
    body = await request.body()
    document = _request_document(request, body)
    answer = await run_in_threadpool(_accept, c, document, body, principal.organization_id)
    return Response(answer, status_code=202, media_type="application/json")
