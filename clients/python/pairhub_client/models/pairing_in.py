from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="PairingIn")


@_attrs_define
class PairingIn:
    """Pair a unit with an asset.

    Attributes:
        unit_id (str):
        asset_id (UUID):
    """

    unit_id: str
    asset_id: UUID

    def to_dict(self) -> dict[str, Any]:
        unit_id = self.unit_id

        asset_id = str(self.asset_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "unitId": unit_id,
                "assetId": asset_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        unit_id = d.pop("unitId")

        asset_id = UUID(d.pop("assetId"))

        pairing_in = cls(
            unit_id=unit_id,
            asset_id=asset_id,
        )

        return pairing_in
