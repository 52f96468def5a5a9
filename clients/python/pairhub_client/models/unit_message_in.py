from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.location_in import LocationIn


T = TypeVar("T", bound="UnitMessageIn")


@_attrs_define
class UnitMessageIn:
    """One message; a `vin` of null says the unit has no VIN, a missing `vin` says nothing about it.

    Attributes:
        unit_id (str):
        timestamp (None | str | Unset): ISO 8601 with a UTC offset; the time of receipt when absent. Default: `null`.
        vin (None | str | Unset): As read from the TBS/EBS. Default: `null`.
        location (LocationIn | None | Unset): Default: `null`.
    """

    unit_id: str
    timestamp: None | str | Unset = UNSET
    vin: None | str | Unset = UNSET
    location: LocationIn | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.location_in import LocationIn

        unit_id = self.unit_id

        timestamp: None | str | Unset
        if isinstance(self.timestamp, Unset):
            timestamp = UNSET
        else:
            timestamp = self.timestamp

        vin: None | str | Unset
        if isinstance(self.vin, Unset):
            vin = UNSET
        else:
            vin = self.vin

        location: dict[str, Any] | None | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        elif isinstance(self.location, LocationIn):
            location = self.location.to_dict()
        else:
            location = self.location

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "unitId": unit_id,
            }
        )
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if vin is not UNSET:
            field_dict["vin"] = vin
        if location is not UNSET:
            field_dict["location"] = location

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.location_in import LocationIn

        d = dict(src_dict)
        unit_id = d.pop("unitId")

        def _parse_timestamp(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timestamp = _parse_timestamp(d.pop("timestamp", UNSET))

        def _parse_vin(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        vin = _parse_vin(d.pop("vin", UNSET))

        def _parse_location(data: object) -> LocationIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                location_type_0 = LocationIn.from_dict(data)

                return location_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LocationIn | None | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        unit_message_in = cls(
            unit_id=unit_id,
            timestamp=timestamp,
            vin=vin,
            location=location,
        )

        return unit_message_in
