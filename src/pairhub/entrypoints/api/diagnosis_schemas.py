"""The API shapes of the diagnoses of auto-pairing attempts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

RuleName = Literal["exact", "P1", "P2", "none", "invalid", "error"]


class CandidateOut(BaseModel):
    """An asset the attempt considered."""

    assetId: str
    assetVin: str | None
    rule: RuleName = Field(description="How the asset relates to the sensor VIN.")
    differingPosition: int | None = Field(
        description="P2 only: the 1-based position (1-11) where the sensor VIN differs from the asset's."
    )


class DiagnosisOut(BaseModel):
    """Why one auto-pairing attempt ended as it did; kept beside the event, never inside its payload."""

    at: str = Field(json_schema_extra={"format": "date-time"})
    outcome: Literal["AutoPair", "InvalidData", "NotFound", "MultipleMatchFound", "Unknown"]
    rule: RuleName = Field(description="The rule that decided: exact, P1, P2, none, invalid or error.")
    assetId: str | None = Field(description="The asset paired with (AutoPair only).")
    rawVin: str | None = Field(description="The VIN as reported (null when reported as null).")
    normalizedVin: str
    removedByNormalization: list[str] = Field(description="What normalization removed or changed.")
    invalidReason: str | None = Field(description="InvalidData only: why the VIN cannot be matched.")
    checkDigitValid: bool | None = Field(
        description="The check-digit verdict of a 17-character sensor VIN (null when shorter)."
    )
    candidates: list[CandidateOut]
