"""Assets, and the VIN lookups auto pairing matches units against."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from pairhub.domain.assets import Asset
from pairhub.domain.overview import AssetOrder


class VinCandidates(Protocol):
    """Where a matcher finds the assets that sensor VINs may name."""

    def match_candidates(
        self, organization_id: str, sensor_vins: Collection[str]
    ) -> dict[str, list[tuple[str, str]]]:
        """Per sensor VIN (each a key), (asset id, VIN) pairs that may match it; a superset to re-check."""
        ...


class AssetRepository(VinCandidates, Protocol):
    """Assets, with VIN lookups that stay index searches however many assets an organization has."""

    def add(self, asset: Asset) -> bool:
        """Insert a new asset; False when its VIN is already taken in its organization."""
        ...

    def add_many(self, assets: Sequence[Asset]) -> None:
        """Insert new assets in one statement."""
        ...

    def get(self, organization_id: str, asset_id: str) -> Asset | None:
        """One asset of this organization, or None."""
        ...

    def get_many(self, organization_id: str, asset_ids: Collection[str]) -> dict[str, Asset]:
        """These assets of this organization by id, in one statement (others' and missing ones left out)."""
        ...

    def save(self, asset: Asset) -> bool:
        """Write back a changed asset; False when its new VIN is already taken."""
        ...

    def delete(self, asset_id: str) -> None:
        """Remove an asset."""
        ...

    def by_vins(self, organization_id: str, vins: Collection[str]) -> dict[str, Asset]:
        """The organization's assets whose VIN is exactly one of these, by VIN (one statement)."""
        ...

    def without_vin_by_names(self, organization_id: str, names: Collection[str]) -> dict[str, Asset]:
        """The organization's assets without a VIN whose name is one of these, by name (the first by id)."""
        ...

    def search(
        self,
        organization_id: str,
        vin: str | None,
        paired: bool | None,
        text: str | None,
        after: str | None,
        limit: int,
        order: AssetOrder = AssetOrder.ID,
    ) -> list[Asset]:
        """Assets in `order` after the asset `after`, filtered by exact VIN, pairing or a VIN/name part."""
        ...

    def count(
        self, organization_id: str, paired: bool | None, text: str | None, most: int | None = None
    ) -> int:
        """How many assets `search` finds with these filters, on all pages; past `most`, `most` + 1."""
        ...
