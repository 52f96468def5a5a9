from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.unit_paired_auto_pair_event_data_v1_reason import (
    UnitPairedAutoPairEventDataV1Reason,
)
from ..models.unit_paired_auto_pair_event_data_v1_status import (
    UnitPairedAutoPairEventDataV1Status,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.unit_paired_auto_pair_event_data_v1_location import (
        UnitPairedAutoPairEventDataV1Location,
    )


T = TypeVar("T", bound="UnitPairedAutoPairEventDataV1")


@_attrs_define
class UnitPairedAutoPairEventDataV1:
    """
    Attributes:
        registered_on (str): UTC, 3 fractional digits.
        organization_id (UUID):
        unit_id (str):
        status (UnitPairedAutoPairEventDataV1Status):
        reason (UnitPairedAutoPairEventDataV1Reason):
        asset_id (UUID):
        asset_vin (str):
        sensor_vin (str):
        location (UnitPairedAutoPairEventDataV1Location | Unset):
    """

    registered_on: str
    organization_id: UUID
    unit_id: str
    status: UnitPairedAutoPairEventDataV1Status
    reason: UnitPairedAutoPairEventDataV1Reason
    asset_id: UUID
    asset_vin: str
    sensor_vin: str
    location: UnitPairedAutoPairEventDataV1Location | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        registered_on = self.registered_on

        organization_id = str(self.organization_id)

        unit_id = self.unit_id

        status = self.status.value

        reason = self.reason.value

        asset_id = str(self.asset_id)

        asset_vin = self.asset_vin

        sensor_vin = self.sensor_vin

        location: dict[str, Any] | Unset = UNSET
        if not isinstance(self.location, Unset):
            location = self.location.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "registeredOn": registered_on,
                "organizationId": organization_id,
                "unitId": unit_id,
                "status": status,
                "reason": reason,
                "assetId": asset_id,
                "assetVIN": asset_vin,
                "sensorVIN": sensor_vin,
            }
        )
        if location is not UNSET:
            field_dict["location"] = location

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.unit_paired_auto_pair_event_data_v1_location import (
            UnitPairedAutoPairEventDataV1Location,
        )

        d = dict(src_dict)
        registered_on = d.pop("registeredOn")

        organization_id = UUID(d.pop("organizationId"))

        unit_id = d.pop("unitId")

        status = UnitPairedAutoPairEventDataV1Status(d.pop("status"))

        reason = UnitPairedAutoPairEventDataV1Reason(d.pop("reason"))

        asset_id = UUID(d.pop("assetId"))

        asset_vin = d.pop("assetVIN")

        sensor_vin = d.pop("sensorVIN")

        _location = d.pop("location", UNSET)
        location: UnitPairedAutoPairEventDataV1Location | Unset
        if isinstance(_location, Unset):
            location = UNSET
        else:
            location = UnitPairedAutoPairEventDataV1Location.from_dict(_location)

        unit_paired_auto_pair_event_data_v1 = cls(
            registered_on=registered_on,
            organization_id=organization_id,
            unit_id=unit_id,
            status=status,
            reason=reason,
            asset_id=asset_id,
            asset_vin=asset_vin,
            sensor_vin=sensor_vin,
            location=location,
        )

        return unit_paired_auto_pair_event_data_v1
