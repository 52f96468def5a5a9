"""Unit messages as they come from outside, over HTTP or MQTT: the one parser of each message.

`parse_message` takes one message (a JSON value) and returns a `UnitMessage` or a `Rejection`; it never
raises. The HTTP route decodes a request of the common shape in one compiled pass first
(`hot_body`/`hot_messages`), the MQTT subscriber parses a payload with `parse_payload`; both accept
exactly what `UnitMessageIn` accepts. JSON text goes through `json_input.load`, which bounds nesting
and numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import msgspec
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pairhub.domain.events import Location
from pairhub.domain.model import is_valid_unit_id
from pairhub.domain.vin import MAX_REPORTED_VIN_LENGTH, ReportedVin, is_text
from pairhub.entrypoints import json_input
from pairhub.entrypoints.api.schemas import Strict
from pairhub.entrypoints.listing import MAX_LISTED
from pairhub.entrypoints.parsing import has_nul
from pairhub.services.ingest import MAX_MESSAGES, Rejection, Report, UnitMessage

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
        None,
        max_length=MAX_REPORTED_VIN_LENGTH,
        strict=True,
        description="As read from the TBS/EBS.",
        examples=["F3A000001"],
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

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"accepted": 2, "rejected": [], "moreRejected": 0}]}
    )

    accepted: int
    rejected: list[RejectionOut] = Field(description=f"The first {MAX_LISTED} refused messages, by index.")
    moreRejected: int = Field(
        0, description=f"Refused messages beyond the {MAX_LISTED} listed (all after them by index)."
    )


def _schema_rejection(index: int, error: ValidationError) -> Rejection:
    first = error.errors()[0]
    location = first.get("loc", ())
    if first.get("type") == "extra_forbidden":
        return Rejection(index, "unknown_field", f"Unknown field `{'.'.join(map(str, location))}`.")
    field = str(location[0]) if location else ""
    if field == "vin" and first.get("type") == "string_too_long":
        # Its own code: the VIN is well-formed but longer than the published schemas let `sensorVIN` be.
        detail = f"vin: a reported VIN is at most {MAX_REPORTED_VIN_LENGTH} characters."
        return Rejection(index, "vin_too_long", detail)
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
    if vin is not None and (type(vin) is not str or len(vin) > MAX_REPORTED_VIN_LENGTH):
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
    parsed = _explained(index, raw) if quick is None else quick
    if isinstance(parsed, UnitMessage) and parsed.vin is not None and not is_text(parsed.vin.raw or ""):
        # Python's JSON parser (the fallback) lets `\ud800` through: no event could carry it.
        return Rejection(index, "invalid_vin", "vin: not Unicode text (it holds a lone surrogate).")
    return parsed


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
    vin: Annotated[str, msgspec.Meta(max_length=MAX_REPORTED_VIN_LENGTH)] | msgspec.UnsetType | None = (
        msgspec.UNSET
    )
    location: _HotLocation | None = None


class HotBody(msgspec.Struct, forbid_unknown_fields=True):
    messages: Annotated[list[_HotMessage], msgspec.Meta(max_length=MAX_MESSAGES)]


_HOT_DECODER = msgspec.json.Decoder(HotBody)


def hot_body(body: bytes) -> HotBody | None:
    """A request of the common shape decoded in one compiled pass; None when anything is unusual.

    Like orjson, msgspec takes the last of repeated keys; what it declines is parsed the general way.
    """
    try:
        return _HOT_DECODER.decode(body)
    except msgspec.DecodeError:
        return None


# The records of a message built with `tuple.__new__`: a named tuple's own `__new__` is a Python
# function, a call that costs more than the tuple (two records a message of a unit not yet paired).
_tuple = tuple.__new__
_UNSET = msgspec.UNSET
_reported_vin = ReportedVin.of


def hot_messages(
    hot: HotBody, steady_units: Callable[[set[str]], Container[str]]
) -> tuple[list[UnitMessage], list[Report]] | None:
    """The messages of a decoded request, as `_quick` takes them; None when one needs a closer look.

    Messages of the units `steady_units` names (`Ingest.steady_units`: paired units, whose messages
    only fold into the activity buffer) come as bare `Report`s, without a record; the others as
    `UnitMessage`s. A unit's messages are all of one kind, in the request's order.
    """
    decoded = hot.messages
    steady = steady_units({raw.unitId for raw in decoded})
    messages: list[UnitMessage] = []
    reports: list[Report] = []
    append, report = messages.append, reports.append
    for index, raw in enumerate(decoded):
        unit_id = raw.unitId
        if not _valid_unit_id(unit_id):
            return None
        timestamp_ms = None
        timestamp = raw.timestamp
        if timestamp is not None:
            if has_nul(timestamp):
                return None
            timestamp_ms = _timestamp_ms(timestamp)
            if timestamp_ms is None:
                return None
        vin, location = raw.vin, raw.location
        reported = None if vin is _UNSET else _reported_vin(vin)
        if unit_id in steady:
            if location is None:
                report((index, unit_id, timestamp_ms, reported, None, None))
            else:
                report((index, unit_id, timestamp_ms, reported, location.latitude, location.longitude))
            continue
        fields = (
            index,
            unit_id,
            timestamp_ms,
            reported,
            None if location is None else _tuple(Location, (location.latitude, location.longitude)),
        )
        append(_tuple(UnitMessage, fields))
    return messages, reports


@dataclass(frozen=True)
class Delivery:
    """The unit messages of one MQTT message, or why the payload was refused as a whole."""

    unit_id: str
    messages: list[UnitMessage] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


def parse_payload(unit_id: str, payload: bytes, first_index: int) -> Delivery:
    """One MQTT payload: a unit message (the HTTP API's object, `unitId` optional) or an array of them.

    Indexes continue from `first_index`, so several payloads can share one ingest request.
    """
    try:
        document = json_input.load(payload)
    except json_input.MalformedJson as error:
        return Delivery(unit_id, rejections=[Rejection(first_index, "malformed_json", error.detail)])
    items = document if isinstance(document, list) else [document]
    if len(items) > MAX_MESSAGES:
        detail = f"At most {MAX_MESSAGES} messages per payload."
        return Delivery(unit_id, rejections=[Rejection(first_index, "too_many_messages", detail)])
    delivery = Delivery(unit_id)
    for offset, item in enumerate(items):
        index = first_index + offset
        if isinstance(item, dict):
            named = item.setdefault("unitId", unit_id)
            if named != unit_id:
                detail = f"The payload names unit {named!r} but was published on the topic of {unit_id!r}."
                delivery.rejections.append(Rejection(index, "unit_id_mismatch", detail))
                continue
        parsed = parse_message(index, item)
        if isinstance(parsed, Rejection):
            delivery.rejections.append(parsed)
        else:
            delivery.messages.append(parsed)
    return delivery
