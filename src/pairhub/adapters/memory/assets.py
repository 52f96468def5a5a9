"""Assets in memory, with the same VIN lookups (by the domain's rules) as `adapters/sql/assets`."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from pairhub.adapters.memory.state import MemoryState
from pairhub.domain import vin as vins
from pairhub.domain.assets import Asset
from pairhub.domain.units import Unit


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

    def partial_candidates(self, organization_id: str, sensor_vin: str) -> list[tuple[str, str]]:
        """(asset id, VIN) pairs that are P1 or P2 candidates."""
        return [
            (asset.id, asset.vin)
            for asset in self._rows.values()
            if asset.organization_id == organization_id
            and asset.vin is not None
            and vins.is_partial_match(sensor_vin, asset.vin)
        ]

    def search(
        self,
        organization_id: str,
        vin: str | None,
        paired: bool | None,
        text: str | None,
        after: str | None,
        limit: int,
    ) -> list[Asset]:
        """Assets by id after `after`, filtered by exact VIN, pairing, or a VIN/name fragment."""
        units: dict[str, Unit] = self._state.table("units", dict)
        with_units = {unit.asset_id for unit in units.values() if unit.asset_id is not None}
        fragment = vins.normalize_vin(text) if text else ""
        found = [
            asset
            for asset in sorted(self._rows.values(), key=lambda asset: asset.id)
            if asset.organization_id == organization_id
            and (vin is None or asset.vin == vin)
            and (
                not text
                or (asset.vin is not None and fragment in asset.vin)
                or (asset.name is not None and text.lower() in asset.name.lower())
            )
            and (paired is None or (asset.id in with_units) == paired)
            and (not after or asset.id > after)
        ]
        return found[:limit]
