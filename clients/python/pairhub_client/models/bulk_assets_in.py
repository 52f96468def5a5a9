from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.asset_in import AssetIn


T = TypeVar("T", bound="BulkAssetsIn")


@_attrs_define
class BulkAssetsIn:
    """Create up to 1000 assets at once; each is known by its VIN (else its name), so re-runs add nothing.

    Attributes:
        assets (list[AssetIn]):
    """

    assets: list[AssetIn]

    def to_dict(self) -> dict[str, Any]:
        assets = []
        for assets_item_data in self.assets:
            assets_item = assets_item_data.to_dict()
            assets.append(assets_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "assets": assets,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.asset_in import AssetIn

        d = dict(src_dict)
        assets = []
        _assets = d.pop("assets")
        for assets_item_data in _assets:
            assets_item = AssetIn.from_dict(assets_item_data)

            assets.append(assets_item)

        bulk_assets_in = cls(
            assets=assets,
        )

        return bulk_assets_in
