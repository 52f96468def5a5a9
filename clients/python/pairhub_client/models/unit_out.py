from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.auto_pairing_out import AutoPairingOut
    from ..models.location_out import LocationOut


T = TypeVar("T", bound="UnitOut")


@_attrs_define
class UnitOut:
    """A unit and its state.

    Attributes:
        unit_id (str):
        organization_id (UUID):
        asset_id (None | UUID):
        paired_at (datetime.datetime | None):
        created_at (datetime.datetime):
        last_seen_at (datetime.datetime | None):
        last_reported_vin (None | str):
        last_location (LocationOut | None):
        auto_pairing (AutoPairingOut): Where the unit stands in auto pairing.
    """

    unit_id: str
    organization_id: UUID
    asset_id: None | UUID
    paired_at: datetime.datetime | None
    created_at: datetime.datetime
    last_seen_at: datetime.datetime | None
    last_reported_vin: None | str
    last_location: LocationOut | None
    auto_pairing: AutoPairingOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.location_out import LocationOut

        unit_id = self.unit_id

        organization_id = str(self.organization_id)

        asset_id: None | str
        if isinstance(self.asset_id, UUID):
            asset_id = str(self.asset_id)
        else:
            asset_id = self.asset_id

        paired_at: None | str
        if isinstance(self.paired_at, datetime.datetime):
            paired_at = self.paired_at.isoformat()
        else:
            paired_at = self.paired_at

        created_at = self.created_at.isoformat()

        last_seen_at: None | str
        if isinstance(self.last_seen_at, datetime.datetime):
            last_seen_at = self.last_seen_at.isoformat()
        else:
            last_seen_at = self.last_seen_at

        last_reported_vin: None | str
        last_reported_vin = self.last_reported_vin

        last_location: dict[str, Any] | None
        if isinstance(self.last_location, LocationOut):
            last_location = self.last_location.to_dict()
        else:
            last_location = self.last_location

        auto_pairing = self.auto_pairing.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "unitId": unit_id,
                "organizationId": organization_id,
                "assetId": asset_id,
                "pairedAt": paired_at,
                "createdAt": created_at,
                "lastSeenAt": last_seen_at,
                "lastReportedVin": last_reported_vin,
                "lastLocation": last_location,
                "autoPairing": auto_pairing,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.auto_pairing_out import AutoPairingOut
        from ..models.location_out import LocationOut

        d = dict(src_dict)
        unit_id = d.pop("unitId")

        organization_id = UUID(d.pop("organizationId"))

        def _parse_asset_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                asset_id_type_0 = UUID(data)

                return asset_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        asset_id = _parse_asset_id(d.pop("assetId"))

        def _parse_paired_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paired_at_type_0 = datetime.datetime.fromisoformat(data)

                return paired_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paired_at = _parse_paired_at(d.pop("pairedAt"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_last_seen_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_seen_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_seen_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_seen_at = _parse_last_seen_at(d.pop("lastSeenAt"))

        def _parse_last_reported_vin(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_reported_vin = _parse_last_reported_vin(d.pop("lastReportedVin"))

        def _parse_last_location(data: object) -> LocationOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_location_type_0 = LocationOut.from_dict(data)

                return last_location_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LocationOut | None, data)

        last_location = _parse_last_location(d.pop("lastLocation"))

        auto_pairing = AutoPairingOut.from_dict(d.pop("autoPairing"))

        unit_out = cls(
            unit_id=unit_id,
            organization_id=organization_id,
            asset_id=asset_id,
            paired_at=paired_at,
            created_at=created_at,
            last_seen_at=last_seen_at,
            last_reported_vin=last_reported_vin,
            last_location=last_location,
            auto_pairing=auto_pairing,
        )

        unit_out.additional_properties = d
        return unit_out

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
