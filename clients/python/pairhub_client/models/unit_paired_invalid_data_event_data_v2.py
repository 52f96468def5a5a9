from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.unit_paired_invalid_data_event_data_v2_reason import (
    UnitPairedInvalidDataEventDataV2Reason,
)
from ..models.unit_paired_invalid_data_event_data_v2_status import (
    UnitPairedInvalidDataEventDataV2Status,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.unit_paired_invalid_data_event_data_v2_location import (
        UnitPairedInvalidDataEventDataV2Location,
    )


T = TypeVar("T", bound="UnitPairedInvalidDataEventDataV2")


@_attrs_define
class UnitPairedInvalidDataEventDataV2:
    """
    Attributes:
        registered_on (str): UTC, 3 fractional digits.
        organization_id (UUID):
        unit_id (str):
        status (UnitPairedInvalidDataEventDataV2Status):
        reason (UnitPairedInvalidDataEventDataV2Reason):
        sensor_vin (str | Unset):
        location (UnitPairedInvalidDataEventDataV2Location | Unset):
    """

    registered_on: str
    organization_id: UUID
    unit_id: str
    status: UnitPairedInvalidDataEventDataV2Status
    reason: UnitPairedInvalidDataEventDataV2Reason
    sensor_vin: str | Unset = UNSET
    location: UnitPairedInvalidDataEventDataV2Location | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        registered_on = self.registered_on

        organization_id = str(self.organization_id)

        unit_id = self.unit_id

        status = self.status.value

        reason = self.reason.value

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
            }
        )
        if sensor_vin is not UNSET:
            field_dict["sensorVIN"] = sensor_vin
        if location is not UNSET:
            field_dict["location"] = location

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.unit_paired_invalid_data_event_data_v2_location import (
            UnitPairedInvalidDataEventDataV2Location,
        )

        d = dict(src_dict)
        registered_on = d.pop("registeredOn")

        organization_id = UUID(d.pop("organizationId"))

        unit_id = d.pop("unitId")

        status = UnitPairedInvalidDataEventDataV2Status(d.pop("status"))

        reason = UnitPairedInvalidDataEventDataV2Reason(d.pop("reason"))

        sensor_vin = d.pop("sensorVIN", UNSET)

        _location = d.pop("location", UNSET)
        location: UnitPairedInvalidDataEventDataV2Location | Unset
        if isinstance(_location, Unset):
            location = UNSET
        else:
            location = UnitPairedInvalidDataEventDataV2Location.from_dict(_location)

        unit_paired_invalid_data_event_data_v2 = cls(
            registered_on=registered_on,
            organization_id=organization_id,
            unit_id=unit_id,
            status=status,
            reason=reason,
            sensor_vin=sensor_vin,
            location=location,
        )

        return unit_paired_invalid_data_event_data_v2
