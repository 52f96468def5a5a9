"""Assets in memory, with the same VIN lookups (by the domain's rules) as `adapters/sql/assets`."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from pairhub.adapters.memory.ordering import page_after
from pairhub.adapters.memory.state import MemoryState
from pairhub.domain import vin as vins
from pairhub.domain.assets import Asset
from pairhub.domain.overview import AssetOrder
from pairhub.domain.units import Unit

_ASSET_KEYS: dict[AssetOrder, Callable[[Asset], tuple[Any, ...]]] = {
    AssetOrder.ID: lambda asset: (),
    AssetOrder.NAME: lambda asset: (asset.name is None, (asset.name or "").lower()),
    AssetOrder.VIN: lambda asset: (asset.vin is None, asset.vin or ""),
    AssetOrder.UPDATED: lambda asset: (-asset.updated_at,),
}


class MemoryAssets:
    """Assets by id."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> dict[str, Asset]:
        return self._state.table("assets", dict)

    def _vin_taken(self, asset: Asset) -> bool:
        return asset.vin is not None and any(
            other.organization_id == asset.organization_id and other.vin == asset.vin and other.id != asset.id
            for other in self._rows.values()
        )

    def add(self, asset: Asset) -> bool:
        """Insert a new asset; False when its VIN is already taken in its organization."""
        if self._vin_taken(asset):
            return False
        self._rows[asset.id] = asset
        return True

    def add_many(self, new: Sequence[Asset]) -> None:
        """Insert new assets."""
        for asset in new:
            self._rows[asset.id] = asset

    def get(self, organization_id: str, asset_id: str) -> Asset | None:
        """One asset of this organization, or None."""
        asset = self._rows.get(asset_id)
        return asset if asset is not None and asset.organization_id == organization_id else None

    def get_many(self, organization_id: str, asset_ids: Collection[str]) -> dict[str, Asset]:
        """These assets of this organization by id."""
        found = (self.get(organization_id, asset_id) for asset_id in set(asset_ids))
        return {asset.id: asset for asset in found if asset is not None}

    def save(self, asset: Asset) -> bool:
        """Write back a changed asset; False when its new VIN is already taken."""
        if self._vin_taken(asset):
            return False
        self._rows[asset.id] = asset
        return True

    def delete(self, asset_id: str) -> None:
        """Remove an asset."""
        self._rows.pop(asset_id, None)

    def by_vins(self, organization_id: str, vins_: Collection[str]) -> dict[str, Asset]:
        """The organization's assets whose VIN is exactly one of these, by VIN."""
        wanted = set(vins_)
        return {
            asset.vin: asset
            for asset in self._rows.values()
            if asset.organization_id == organization_id and asset.vin is not None and asset.vin in wanted
        }

    def without_vin_by_names(self, organization_id: str, names: Collection[str]) -> dict[str, Asset]:
        """The organization's assets without a VIN whose name is one of these, by name (the first by id)."""
        wanted = set(names)
        found: dict[str, Asset] = {}
        for asset in sorted(self._rows.values(), key=lambda row: row.id):
            mine = asset.organization_id == organization_id and asset.vin is None
            if mine and asset.name is not None and asset.name in wanted:
                found.setdefault(asset.name, asset)
        return found

    def match_candidates(
        self, organization_id: str, sensor_vins: Collection[str]
    ) -> dict[str, list[tuple[str, str]]]:
        """For each sensor VIN, the (asset id, VIN) pairs that match it exactly or are P1 or P2 candidates."""
        mine = [
            (asset.id, asset.vin)
            for asset in self._rows.values()
            if asset.organization_id == organization_id and asset.vin is not None
        ]
        return {
            sensor: [
                (asset_id, vin)
                for asset_id, vin in mine
                if vin == sensor or vins.is_partial_match(sensor, vin)
            ]
            for sensor in sensor_vins
        }

    def _filtered(self, organization_id: str, paired: bool | None, text: str | None) -> list[Asset]:
        units: dict[str, Unit] = self._state.table("units", dict)
        with_units = {unit.asset_id for unit in units.values() if unit.asset_id is not None}
        fragment = vins.normalize_vin(text) if text else ""
        return [
            asset
            for asset in self._rows.values()
            if asset.organization_id == organization_id
            and (
                not text
                or (asset.vin is not None and fragment in asset.vin)
                or (asset.name is not None and text.lower() in asset.name.lower())
            )
            and (paired is None or (asset.id in with_units) == paired)
        ]

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
        found = [a for a in self._filtered(organization_id, paired, text) if vin is None or a.vin == vin]
        return page_after(found, self._rows, _ASSET_KEYS[order], after, limit)

    def count(
        self, organization_id: str, paired: bool | None, text: str | None, most: int | None = None
    ) -> int:
        """How many assets `search` finds with these filters, on all pages; past `most`, `most` + 1."""
        found = len(self._filtered(organization_id, paired, text))
        return found if most is None else min(found, most + 1)
