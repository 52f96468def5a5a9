"""Request and response bodies of the API (camelCase, unknown fields refused)."""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.json_schema import SkipJsonSchema

from pairhub.entrypoints.listing import MAX_LISTED
from pairhub.entrypoints.parsing import has_nul

T = TypeVar("T")


class Strict(BaseModel):
    """A request body: unknown fields are an error (422 `unknown_field`)."""

    # strict: `0` is not `false` and `"1"` is not `1`; integrators get told instead of guessed at.
    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object, info: ValidationInfo) -> object:
        # PostgreSQL cannot store NUL in text, and no field but a VIN has a use for it: VINs read from
        # a trailer's TBS/EBS come NUL-padded, and normalization removes the padding (SPEC).
        if info.field_name == "vin":
            return value
        texts = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(text, str) and has_nul(text) for text in texts):
            raise ValueError("NUL characters are not allowed")
        return value


class PageOut(BaseModel, Generic[T]):
    """A page of a list."""

    data: list[T]
    nextCursor: str | None


class OrganizationIn(Strict):
    """Create an organization."""

    name: str = Field(min_length=1, max_length=200)
    autoPairingEnabled: bool = False
    datahubSubscriptionActive: bool = True


class OrganizationPatch(Strict):
    """Change an organization; organizations may change `autoPairingEnabled` only."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | SkipJsonSchema[None] = None
    autoPairingEnabled: bool | SkipJsonSchema[None] = None
    datahubSubscriptionActive: bool | SkipJsonSchema[None] = None


class OrganizationOut(BaseModel):
    """An organization."""

    id: str
    name: str
    autoPairingEnabled: bool
    datahubSubscriptionActive: bool
    createdAt: str


class AssetIn(Strict):
    """Create an asset."""

    vin: str | None = Field(None, max_length=64)
    name: str | None = Field(None, max_length=200)


class BulkAssetsIn(Strict):
    """Create up to 1000 assets at once; each is known by its VIN (else its name), so re-runs add nothing."""

    assets: list[AssetIn] = Field(min_length=1, max_length=1000)


class BulkItemOut(BaseModel):
    """The outcome of one item: `created`, `exists` (its id given), or `refused` with a code."""

    index: int
    status: Literal["created", "exists", "refused"]
    id: str | None = None
    code: str | None = None
    detail: str | None = None


class BulkAssetsOut(BaseModel):
    """Outcomes of a bulk create, in request order."""

    created: int
    existing: int
    refused: int
    results: list[BulkItemOut] = Field(
        description=f"Every created and existing item, and the first {MAX_LISTED} refused ones (by index)."
    )
    moreRefused: int = Field(
        0,
        description=f"Refused items beyond the {MAX_LISTED} listed: their indexes are those missing "
        "from `results`.",
    )


class AssetPatch(Strict):
    """Change an asset's VIN (null removes it) or name."""

    vin: str | None = Field(None, max_length=64)
    name: str | None = Field(None, max_length=200)


class AssetOut(BaseModel):
    """An asset with the units paired to it."""

    id: str
    organizationId: str
    vin: str | None
    name: str | None
    checkDigitValid: bool | None
    unitIds: list[str]
    createdAt: str
    updatedAt: str


class UnitIn(Strict):
    """Provision a unit."""

    unitId: str = Field(max_length=100)


class LocationOut(BaseModel):
    """A position in decimal degrees."""

    latitude: float
    longitude: float


class AutoPairingOut(BaseModel):
    """Where the unit stands in auto pairing."""

    state: Literal[
        "idle",
        "paired",
        "disabled",
        "suppressed",
        "invalidData",
        "notFound",
        "multipleMatchFound",
        "unknown",
    ]
    sensorVIN: str | None
    candidateAssetIds: list[str]
    firstFailedAt: str | None
    remindersSent: int
    nextReminderAt: str | None


class UnitOut(BaseModel):
    """A unit and its state."""

    unitId: str
    organizationId: str
    assetId: str | None
    pairedAt: str | None
    createdAt: str
    lastSeenAt: str | None
    lastReportedVin: str | None
    lastLocation: LocationOut | None
    autoPairing: AutoPairingOut


class PairingIn(Strict):
    """Pair a unit with an asset."""

    unitId: str = Field(max_length=100)
    assetId: str = Field(max_length=64)


class PairingOut(BaseModel):
    """A unit currently paired with an asset."""

    organizationId: str
    unitId: str
    assetId: str
    pairedAt: str


class PairingHistoryOut(BaseModel):
    """One pairing, past or present."""

    organizationId: str
    unitId: str
    assetId: str
    pairedAt: str
    pairedBy: str
    pairedVia: str
    unpairedAt: str | None
    unpairedBy: str | None
    unpairedVia: str | None


class FeedItemOut(BaseModel):
    """An event of the feed, `eventData` exactly as a webhook of that version carries it."""

    cursor: str
    eventType: Literal["unit.paired", "unit.unpaired"]
    eventVersion: Literal[1, 2]
    eventData: dict[str, Any]


class Health(BaseModel):
    """Liveness or readiness."""

    status: Literal["ok", "degraded", "unavailable"]
    """`degraded`: ready, with a check that says what is wrong (its value starts with `degraded: `)."""
    checks: dict[str, str] = {}
