from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UnitUnpairedEventDataV1")


@_attrs_define
class UnitUnpairedEventDataV1:
    """
    Attributes:
        registered_on (str): UTC, 3 fractional digits.
        organization_id (UUID):
        asset_id (UUID):
        unit_id (str):
        asset_vin (str | Unset):
    """

    registered_on: str
    organization_id: UUID
    asset_id: UUID
    unit_id: str
    asset_vin: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        registered_on = self.registered_on

        organization_id = str(self.organization_id)

        asset_id = str(self.asset_id)

        unit_id = self.unit_id

        asset_vin = self.asset_vin

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "registeredOn": registered_on,
                "organizationId": organization_id,
                "assetId": asset_id,
                "unitId": unit_id,
            }
        )
        if asset_vin is not UNSET:
            field_dict["assetVIN"] = asset_vin

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        registered_on = d.pop("registeredOn")

        organization_id = UUID(d.pop("organizationId"))

        asset_id = UUID(d.pop("assetId"))

        unit_id = d.pop("unitId")

        asset_vin = d.pop("assetVIN", UNSET)

        unit_unpaired_event_data_v1 = cls(
            registered_on=registered_on,
            organization_id=organization_id,
            asset_id=asset_id,
            unit_id=unit_id,
            asset_vin=asset_vin,
        )

        return unit_unpaired_event_data_v1
