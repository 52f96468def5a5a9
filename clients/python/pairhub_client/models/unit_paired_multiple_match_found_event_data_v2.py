from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.unit_paired_multiple_match_found_event_data_v2_reason import (
    UnitPairedMultipleMatchFoundEventDataV2Reason,
)
from ..models.unit_paired_multiple_match_found_event_data_v2_status import (
    UnitPairedMultipleMatchFoundEventDataV2Status,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.unit_paired_multiple_match_found_event_data_v2_location import (
        UnitPairedMultipleMatchFoundEventDataV2Location,
    )


T = TypeVar("T", bound="UnitPairedMultipleMatchFoundEventDataV2")


@_attrs_define
class UnitPairedMultipleMatchFoundEventDataV2:
    """
    Attributes:
        registered_on (str): UTC, 3 fractional digits.
        organization_id (UUID):
        unit_id (str):
        status (UnitPairedMultipleMatchFoundEventDataV2Status):
        reason (UnitPairedMultipleMatchFoundEventDataV2Reason):
        sensor_vin (str):
        candidate_asset_ids (list[UUID]):
        location (UnitPairedMultipleMatchFoundEventDataV2Location | Unset):
    """

    registered_on: str
    organization_id: UUID
    unit_id: str
    status: UnitPairedMultipleMatchFoundEventDataV2Status
    reason: UnitPairedMultipleMatchFoundEventDataV2Reason
    sensor_vin: str
    candidate_asset_ids: list[UUID]
    location: UnitPairedMultipleMatchFoundEventDataV2Location | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        registered_on = self.registered_on

        organization_id = str(self.organization_id)

        unit_id = self.unit_id

        status = self.status.value

        reason = self.reason.value

        sensor_vin = self.sensor_vin

        candidate_asset_ids = []
        for candidate_asset_ids_item_data in self.candidate_asset_ids:
            candidate_asset_ids_item = str(candidate_asset_ids_item_data)
            candidate_asset_ids.append(candidate_asset_ids_item)

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
                "sensorVIN": sensor_vin,
                "candidateAssetIds": candidate_asset_ids,
            }
        )
        if location is not UNSET:
            field_dict["location"] = location

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.unit_paired_multiple_match_found_event_data_v2_location import (
            UnitPairedMultipleMatchFoundEventDataV2Location,
        )

        d = dict(src_dict)
        registered_on = d.pop("registeredOn")

        organization_id = UUID(d.pop("organizationId"))

        unit_id = d.pop("unitId")

        status = UnitPairedMultipleMatchFoundEventDataV2Status(d.pop("status"))

        reason = UnitPairedMultipleMatchFoundEventDataV2Reason(d.pop("reason"))

        sensor_vin = d.pop("sensorVIN")

        candidate_asset_ids = []
        _candidate_asset_ids = d.pop("candidateAssetIds")
        for candidate_asset_ids_item_data in _candidate_asset_ids:
            candidate_asset_ids_item = UUID(candidate_asset_ids_item_data)

            candidate_asset_ids.append(candidate_asset_ids_item)

        _location = d.pop("location", UNSET)
        location: UnitPairedMultipleMatchFoundEventDataV2Location | Unset
        if isinstance(_location, Unset):
            location = UNSET
        else:
            location = UnitPairedMultipleMatchFoundEventDataV2Location.from_dict(
                _location
            )

        unit_paired_multiple_match_found_event_data_v2 = cls(
            registered_on=registered_on,
            organization_id=organization_id,
            unit_id=unit_id,
            status=status,
            reason=reason,
            sensor_vin=sensor_vin,
            candidate_asset_ids=candidate_asset_ids,
            location=location,
        )

        return unit_paired_multiple_match_found_event_data_v2
