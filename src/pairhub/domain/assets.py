"""Assets as records, and the rules of an asset VIN (normalized, 17 characters, unique per organization)."""

from __future__ import annotations

from dataclasses import dataclass

from pairhub.domain import vin as vins
from pairhub.domain.errors import Conflict, Invalid


@dataclass(frozen=True)
class Asset:
    """A vehicle of an organization, identified by its (optional) VIN."""

    id: str
    organization_id: str
    vin: str | None
    name: str | None
    created_at: int
    updated_at: int


def normalize_asset_vin(raw: str | None) -> str | None:
    """The stored VIN for an asset, or invalid_vin; None or blank means no VIN."""
    if raw is None:
        return None
    normalized = vins.normalize_vin(raw)
    if not normalized:
        return None
    if not vins.is_valid_asset_vin(normalized):
        raise Invalid(
            "invalid_vin",
            "An asset VIN must have 17 characters of A-H, J-N, P, R-Z and 0-9 (no I, O or Q).",
            vin=raw,
        )
    return normalized


def duplicate_vin(vin: str) -> Conflict:
    """The refusal of a VIN another asset of the organization already has."""
    return Conflict("duplicate_vin", f"Another asset of this organization has VIN {vin}.", vin=vin)


def check_deletable(asset: Asset, paired_unit_ids: tuple[str, ...]) -> None:
    """An asset with paired units cannot be deleted until they are unpaired."""
    if paired_unit_ids:
        raise Conflict("asset_has_paired_units", "Unpair the units of this asset before deleting it.")
