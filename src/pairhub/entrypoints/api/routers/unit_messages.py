"""Unit messages from the telematics back end: each message validated on its own (SPEC section 3)."""

from __future__ import annotations

import email.message
import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pairhub.bootstrap import Container
from pairhub.domain.events import Location
from pairhub.domain.model import is_valid_unit_id
from pairhub.domain.vin import ReportedVin
from pairhub.entrypoints.api.deps import ContainerDep, IngestDep
from pairhub.entrypoints.api.schemas import Strict
from pairhub.entrypoints.parsing import has_nul
from pairhub.services.ingest import MAX_MESSAGES, Rejection, UnitMessage

router = APIRouter(prefix="/v1/unit-messages", tags=["unit messages"])

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_OLDEST = datetime(2000, 1, 1, tzinfo=UTC)
"""Earlier timestamps come from units whose clock was never set."""

_FIELDS = frozenset({"unitId", "timestamp", "vin", "location"})

# The first field in error decides a rejected message's code.
_FIELD_CODES = {
    "unitId": "invalid_unit_id",
    "timestamp": "invalid_timestamp",
    "vin": "invalid_vin",
    "location": "invalid_location",
}


class LocationIn(Strict):
    """A position in decimal degrees."""

    latitude: float = Field(ge=-90, le=90, allow_inf_nan=False, strict=True)
    longitude: float = Field(ge=-180, le=180, allow_inf_nan=False, strict=True)


class UnitMessageIn(Strict):
    """One message; a `vin` of null says the unit has no VIN, a missing `vin` says nothing about it."""

    unitId: str = Field(max_length=100, strict=True, examples=["tp:890123847562332"])
    timestamp: str | None = Field(
        None,
        max_length=64,
        strict=True,
        description="ISO 8601 with a UTC offset; the time of receipt when absent.",
        examples=["2025-05-12T22:20:00.000Z"],
    )
    vin: str | None = Field(
        None, max_length=200, strict=True, description="As read from the TBS/EBS.", examples=["F3A000001"]
    )
    location: LocationIn | None = None


# Left to right: well-formed messages parse as UnitMessageIn, the others stay raw and are refused one
# by one (a malformed message must not fail the whole request).
_MessageItem = Annotated[UnitMessageIn | Any, Field(union_mode="left_to_right")]


class UnitMessagesIn(Strict):
    """Up to 1000 messages; each is taken or refused on its own."""

    messages: Annotated[list[_MessageItem], Field(max_length=MAX_MESSAGES)]


class RejectionOut(BaseModel):
    """A refused message."""

    index: int
    code: str
    detail: str


class UnitMessagesOut(BaseModel):
    """How many messages were taken, and the refused ones by index."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"accepted": 2, "rejected": []}]})

    accepted: int
    rejected: list[RejectionOut]


def _schema_rejection(index: int, error: ValidationError) -> Rejection:
    first = error.errors()[0]
    location = first.get("loc", ())
    if first.get("type") == "extra_forbidden":
        return Rejection(index, "unknown_field", f"Unknown field `{'.'.join(map(str, location))}`.")
    field = str(location[0]) if location else ""
    code = _FIELD_CODES.get(field, "invalid_message")
    where = ".".join(map(str, location)) or "message"
    return Rejection(index, code, f"{where}: {first.get('msg', 'invalid')}")


def _timestamp_ms(value: str) -> int | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or moment < _OLDEST:
        return None
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _location(raw: object) -> Location | None:
    """The hot shape of a location, checked by hand; None when pydantic has to look at it."""
    if type(raw) is not dict or len(raw) != 2:
        return None
    latitude: Any = raw.get("latitude")
    longitude: Any = raw.get("longitude")
    # bool is an int to Python but not a number to the API (strict); inf and NaN fail the ranges.
    if type(latitude) not in (int, float) or type(longitude) not in (int, float):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return Location(float(latitude), float(longitude))


def _quick(index: int, raw: object) -> UnitMessage | None:
    """A message of the common shape, checked by hand without pydantic; None when anything is unusual.

    Accepts exactly what `UnitMessageIn` accepts, with the same values; whatever it declines goes
    through pydantic, which either accepts it too or explains the refusal.
    """
    if type(raw) is not dict or not raw.keys() <= _FIELDS:
        return None
    unit_id = raw.get("unitId")
    if type(unit_id) is not str or len(unit_id) > 100 or has_nul(unit_id) or not is_valid_unit_id(unit_id):
        return None
    timestamp_ms = None
    timestamp = raw.get("timestamp")
    if timestamp is not None:
        if type(timestamp) is not str or len(timestamp) > 64 or has_nul(timestamp):
            return None
        timestamp_ms = _timestamp_ms(timestamp)
        if timestamp_ms is None:
            return None
    vin = raw.get("vin")
    if vin is not None and (type(vin) is not str or len(vin) > 200):
        return None
    location = None
    if raw.get("location") is not None:
        location = _location(raw["location"])
        if location is None:
            return None
    return UnitMessage(
        index=index,
        unit_id=unit_id,
        timestamp_ms=timestamp_ms,
        vin=ReportedVin.of(vin) if "vin" in raw else None,
        location=location,
    )


def parse_message(index: int, raw: object) -> UnitMessage | Rejection:
    """Validate one message of the request on its own."""
    quick = _quick(index, raw)
    return _explained(index, raw) if quick is None else quick


def _explained(index: int, raw: object) -> UnitMessage | Rejection:
    """One message validated by pydantic, which says why when it refuses."""
    if not isinstance(raw, dict):
        return Rejection(index, "invalid_message", "A message is a JSON object.")
    try:
        message = UnitMessageIn.model_validate(raw)
    except ValidationError as error:
        return _schema_rejection(index, error)
    if not is_valid_unit_id(message.unitId):
        return Rejection(index, "invalid_unit_id", "A unit id is `type:serial`, e.g. tp:890123847562332.")
    timestamp_ms = None
    if message.timestamp is not None:
        timestamp_ms = _timestamp_ms(message.timestamp)
        if timestamp_ms is None:
            return Rejection(
                index,
                "invalid_timestamp",
                "A timestamp is ISO 8601 with a UTC offset, not before 2000 (e.g. 2025-05-12T22:20:00Z).",
            )
    location = message.location
    return UnitMessage(
        index=index,
        unit_id=message.unitId,
        timestamp_ms=timestamp_ms,
        vin=ReportedVin.of(message.vin) if "vin" in message.model_fields_set else None,
        location=Location(location.latitude, location.longitude) if location else None,
    )


def _json_body(request: Request, body: bytes) -> object:
    """The request's JSON document, read as FastAPI reads a declared body (orjson first: it is faster)."""
    if not body:
        return None
    kind = request.headers.get("content-type")
    if not kind:
        return body
    declared = email.message.Message()
    declared["content-type"] = kind
    subtype = declared.get_content_subtype()
    is_json = subtype == "json" or subtype.endswith("+json")
    if declared.get_content_maintype() != "application" or not is_json:
        return body
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:
        # What orjson refuses but Python's parser takes (NaN, integers beyond 64 bits) is then
        # refused message by message, as before.
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        detail = {"type": "json_invalid", "loc": ("body", 0), "msg": "JSON decode error", "input": {}}
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


def _accept(c: Container, document: object) -> bytes:
    """Parse every message on its own, ingest the well-formed ones, and render the answer."""
    parsed = [parse_message(index, raw) for index, raw in enumerate(_messages_of(document))]
    result = c.ingest.accept([item for item in parsed if isinstance(item, UnitMessage)])
    rejected = [item for item in parsed if isinstance(item, Rejection)] + list(result.rejected)
    return orjson.dumps(
        {
            "accepted": result.accepted,
            "rejected": [
                {"index": r.index, "code": r.code, "detail": r.detail}
                for r in sorted(rejected, key=lambda rejection: rejection.index)
            ],
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
async def post_unit_messages(request: Request, _: IngestDep, c: ContainerDep) -> Response:
    """Take unit messages (ingest or admin token); auto pairing runs when a message calls for it."""
    # The hot path parses with orjson and checks the common shape by hand: pydantic validating a
    # thousand messages cost more than everything else of a steady-state request (bench/analysis.md).
    document = _json_body(request, await request.body())
    answer = await run_in_threadpool(_accept, c, document)
    return Response(answer, status_code=202, media_type="application/json")
