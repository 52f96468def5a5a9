"""Unit messages from the telematics back end: each message validated on its own (SPEC section 3)."""

from __future__ import annotations

import email.message
import functools
import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import msgspec
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


# Units report every few seconds under the same id: check each id's pattern once, not once a message.
_valid_unit_id = functools.lru_cache(maxsize=65_536)(is_valid_unit_id)


def _quick(index: int, raw: object) -> UnitMessage | None:
    """A message of the common shape, checked by hand without pydantic; None when anything is unusual.

    Accepts exactly what `UnitMessageIn` accepts, with the same values; whatever it declines goes
    through pydantic, which either accepts it too or explains the refusal.
    """
    if type(raw) is not dict or not raw.keys() <= _FIELDS:
        return None
    unit_id = raw.get("unitId")
    if type(unit_id) is not str or len(unit_id) > 100 or has_nul(unit_id) or not _valid_unit_id(unit_id):
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


class _HotLocation(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    # msgspec reads a JSON integer into a float field as float(integer), as `_location` does, and
    # refuses booleans, NaN and infinities, as pydantic's strict mode does.
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)]


class _HotMessage(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    # The unit id's pattern is checked in Python: msgspec's own pattern check costs twice as much.
    unitId: Annotated[str, msgspec.Meta(max_length=100)]
    timestamp: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    vin: Annotated[str, msgspec.Meta(max_length=200)] | msgspec.UnsetType | None = msgspec.UNSET
    location: _HotLocation | None = None


class _HotBody(msgspec.Struct, forbid_unknown_fields=True):
    messages: Annotated[list[_HotMessage], msgspec.Meta(max_length=MAX_MESSAGES)]


_HOT_DECODER = msgspec.json.Decoder(_HotBody)


def _hot_body(body: bytes) -> _HotBody | None:
    """A request of the common shape decoded in one compiled pass; None when anything is unusual.

    Like orjson, msgspec takes the last of repeated keys; what it declines is parsed the general way.
    """
    try:
        return _HOT_DECODER.decode(body)
    except msgspec.DecodeError:
        return None


def _hot_messages(hot: _HotBody) -> list[UnitMessage] | None:
    """The messages of a decoded request, as `_quick` takes them; None when one needs a closer look."""
    messages: list[UnitMessage] = []
    append = messages.append
    for index, raw in enumerate(hot.messages):
        if not _valid_unit_id(raw.unitId):
            return None
        timestamp_ms = None
        if raw.timestamp is not None:
            if has_nul(raw.timestamp):
                return None
            timestamp_ms = _timestamp_ms(raw.timestamp)
            if timestamp_ms is None:
                return None
        vin, location = raw.vin, raw.location
        append(
            UnitMessage(
                index,
                raw.unitId,
                timestamp_ms,
                None if vin is msgspec.UNSET else ReportedVin.of(vin),
                None if location is None else Location(location.latitude, location.longitude),
            )
        )
    return messages


def _request_document(request: Request, body: bytes) -> object:
    """The request's JSON document, read as FastAPI reads a declared body (compiled decoders first)."""
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
    hot = _hot_body(body)
    return _json_document(body) if hot is None else hot


def _json_document(body: bytes) -> object:
    """A JSON body as Python values (orjson first: it is faster), or the refusal FastAPI would give."""
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


def _accept(c: Container, document: object, body: bytes, organization_id: str | None = None) -> bytes:
    """Parse every message on its own, ingest the well-formed ones, and render the answer."""
    messages = _hot_messages(document) if isinstance(document, _HotBody) else None
    refused: list[Rejection] = []
    if messages is None:
        if isinstance(document, _HotBody):
            # A message the compiled pass cannot vouch for: the whole request takes the general path.
            document = _json_document(body)
        parsed = [parse_message(index, raw) for index, raw in enumerate(_messages_of(document))]
        messages = [item for item in parsed if isinstance(item, UnitMessage)]
        refused = [item for item in parsed if isinstance(item, Rejection)]
    if organization_id is not None:
        messages = list(messages)
        refused = refused + _own_units_only(c, organization_id, messages)
    result = c.ingest.accept(messages)
    rejected = refused + list(result.rejected)
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
async def post_unit_messages(request: Request, principal: IngestDep, c: ContainerDep) -> Response:
    """Take unit messages (ingest or admin token); auto pairing runs when a message calls for it."""
    # The hot path decodes the common shape with msgspec (orjson and hand checks otherwise): pydantic
    # validating a thousand messages cost more than everything else of a request (bench/analysis.md).
    body = await request.body()
    document = _request_document(request, body)
    answer = await run_in_threadpool(_accept, c, document, body, principal.organization_id)
    return Response(answer, status_code=202, media_type="application/json")
