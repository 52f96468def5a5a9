from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PairingOut")


@_attrs_define
class PairingOut:
    """A unit currently paired with an asset.

    Attributes:
        organization_id (UUID):
        unit_id (str):
        asset_id (UUID):
        paired_at (datetime.datetime):
    """

    organization_id: UUID
    unit_id: str
    asset_id: UUID
    paired_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        organization_id = str(self.organization_id)

        unit_id = self.unit_id

        asset_id = str(self.asset_id)

        paired_at = self.paired_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "organizationId": organization_id,
                "unitId": unit_id,
                "assetId": asset_id,
                "pairedAt": paired_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        organization_id = UUID(d.pop("organizationId"))

        unit_id = d.pop("unitId")

        asset_id = UUID(d.pop("assetId"))

        paired_at = datetime.datetime.fromisoformat(d.pop("pairedAt"))

        pairing_out = cls(
            organization_id=organization_id,
            unit_id=unit_id,
            asset_id=asset_id,
            paired_at=paired_at,
        )

        pairing_out.additional_properties = d
        return pairing_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
