from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.unit_paired_unknown_event_data_v1_reason import (
    UnitPairedUnknownEventDataV1Reason,
)
from ..models.unit_paired_unknown_event_data_v1_status import (
    UnitPairedUnknownEventDataV1Status,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.unit_paired_unknown_event_data_v1_location import (
        UnitPairedUnknownEventDataV1Location,
    )


T = TypeVar("T", bound="UnitPairedUnknownEventDataV1")


@_attrs_define
class UnitPairedUnknownEventDataV1:
    """
    Attributes:
        registered_on (str): UTC, 3 fractional digits.
        organization_id (UUID):
        unit_id (str):
        status (UnitPairedUnknownEventDataV1Status):
        reason (UnitPairedUnknownEventDataV1Reason):
        sensor_vin (str | Unset):
        location (UnitPairedUnknownEventDataV1Location | Unset):
    """

    registered_on: str
    organization_id: UUID
    unit_id: str
    status: UnitPairedUnknownEventDataV1Status
    reason: UnitPairedUnknownEventDataV1Reason
    sensor_vin: str | Unset = UNSET
    location: UnitPairedUnknownEventDataV1Location | Unset = UNSET

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
        from ..models.unit_paired_unknown_event_data_v1_location import (
            UnitPairedUnknownEventDataV1Location,
        )

        d = dict(src_dict)
        registered_on = d.pop("registeredOn")

        organization_id = UUID(d.pop("organizationId"))

        unit_id = d.pop("unitId")

        status = UnitPairedUnknownEventDataV1Status(d.pop("status"))

        reason = UnitPairedUnknownEventDataV1Reason(d.pop("reason"))

        sensor_vin = d.pop("sensorVIN", UNSET)

        _location = d.pop("location", UNSET)
        location: UnitPairedUnknownEventDataV1Location | Unset
        if isinstance(_location, Unset):
            location = UNSET
        else:
            location = UnitPairedUnknownEventDataV1Location.from_dict(_location)

        unit_paired_unknown_event_data_v1 = cls(
            registered_on=registered_on,
            organization_id=organization_id,
            unit_id=unit_id,
            status=status,
            reason=reason,
            sensor_vin=sensor_vin,
            location=location,
        )

        return unit_paired_unknown_event_data_v1
