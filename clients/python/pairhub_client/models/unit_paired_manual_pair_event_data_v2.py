from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.unit_paired_manual_pair_event_data_v2_reason import (
    UnitPairedManualPairEventDataV2Reason,
)
from ..models.unit_paired_manual_pair_event_data_v2_status import (
    UnitPairedManualPairEventDataV2Status,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="UnitPairedManualPairEventDataV2")


@_attrs_define
class UnitPairedManualPairEventDataV2:
    """
    Attributes:
        registered_on (str): UTC, 3 fractional digits.
        organization_id (UUID):
        unit_id (str):
        status (UnitPairedManualPairEventDataV2Status):
        reason (UnitPairedManualPairEventDataV2Reason):
        asset_id (UUID):
        asset_vin (str | Unset):
    """

    registered_on: str
    organization_id: UUID
    unit_id: str
    status: UnitPairedManualPairEventDataV2Status
    reason: UnitPairedManualPairEventDataV2Reason
    asset_id: UUID
    asset_vin: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        registered_on = self.registered_on

        organization_id = str(self.organization_id)

        unit_id = self.unit_id

        status = self.status.value

        reason = self.reason.value

        asset_id = str(self.asset_id)

        asset_vin = self.asset_vin

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "registeredOn": registered_on,
                "organizationId": organization_id,
                "unitId": unit_id,
                "status": status,
                "reason": reason,
                "assetId": asset_id,
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

        unit_id = d.pop("unitId")

        status = UnitPairedManualPairEventDataV2Status(d.pop("status"))

        reason = UnitPairedManualPairEventDataV2Reason(d.pop("reason"))

        asset_id = UUID(d.pop("assetId"))

        asset_vin = d.pop("assetVIN", UNSET)

        unit_paired_manual_pair_event_data_v2 = cls(
            registered_on=registered_on,
            organization_id=organization_id,
            unit_id=unit_id,
            status=status,
            reason=reason,
            asset_id=asset_id,
            asset_vin=asset_vin,
        )

        return unit_paired_manual_pair_event_data_v2
