"""Unit messages from the telematics back end: each message validated on its own (SPEC section 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pairhub.domain.events import Location
from pairhub.domain.model import is_valid_unit_id
from pairhub.domain.vin import ReportedVin
from pairhub.entrypoints.api.deps import ContainerDep, IngestDep
from pairhub.entrypoints.api.schemas import Strict
from pairhub.services.ingest import MAX_MESSAGES, Rejection, UnitMessage

router = APIRouter(prefix="/v1/unit-messages", tags=["unit messages"])

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_OLDEST = datetime(2000, 1, 1, tzinfo=UTC)
"""Earlier timestamps come from units whose clock was never set."""

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


def parse_message(index: int, raw: object) -> UnitMessage | Rejection:
    """Validate one message of the request on its own."""
    if not isinstance(raw, UnitMessageIn | dict):
        return Rejection(index, "invalid_message", "A message is a JSON object.")
    try:
        message = raw if isinstance(raw, UnitMessageIn) else UnitMessageIn.model_validate(raw)
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


@router.post("", status_code=202, response_model=UnitMessagesOut)
def post_unit_messages(body: UnitMessagesIn, _: IngestDep, c: ContainerDep) -> dict[str, Any]:
    """Take unit messages (ingest or admin token); auto pairing runs when a message calls for it."""
    parsed = [parse_message(index, raw) for index, raw in enumerate(body.messages)]
    result = c.ingest.accept([item for item in parsed if isinstance(item, UnitMessage)])
    rejected = [item for item in parsed if isinstance(item, Rejection)] + list(result.rejected)
    return {
        "accepted": result.accepted,
        "rejected": [
            {"index": r.index, "code": r.code, "detail": r.detail}
            for r in sorted(rejected, key=lambda rejection: rejection.index)
        ],
    }
