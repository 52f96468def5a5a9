from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="UnitPairedUnknownEventDataV2Location")


@_attrs_define
class UnitPairedUnknownEventDataV2Location:
    """
    Attributes:
        latitude (float):
        longitude (float):
    """

    latitude: float
    longitude: float

    def to_dict(self) -> dict[str, Any]:
        latitude = self.latitude

        longitude = self.longitude

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "latitude": latitude,
                "longitude": longitude,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        latitude = d.pop("latitude")

        longitude = d.pop("longitude")

        unit_paired_unknown_event_data_v2_location = cls(
            latitude=latitude,
            longitude=longitude,
        )

        return unit_paired_unknown_event_data_v2_location
