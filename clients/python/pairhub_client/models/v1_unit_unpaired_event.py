from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.v1_unit_unpaired_event_event_type import V1UnitUnpairedEventEventType
from ..models.v1_unit_unpaired_event_event_version import (
    V1UnitUnpairedEventEventVersion,
)

if TYPE_CHECKING:
    from ..models.unit_unpaired_event_data_v1 import UnitUnpairedEventDataV1


T = TypeVar("T", bound="V1UnitUnpairedEvent")


@_attrs_define
class V1UnitUnpairedEvent:
    """
    Attributes:
        event_type (V1UnitUnpairedEventEventType):
        event_version (V1UnitUnpairedEventEventVersion):
        event_data (UnitUnpairedEventDataV1):
    """

    event_type: V1UnitUnpairedEventEventType
    event_version: V1UnitUnpairedEventEventVersion
    event_data: UnitUnpairedEventDataV1

    def to_dict(self) -> dict[str, Any]:
        event_type = self.event_type.value

        event_version = self.event_version.value

        event_data = self.event_data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "eventType": event_type,
                "eventVersion": event_version,
                "eventData": event_data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.unit_unpaired_event_data_v1 import UnitUnpairedEventDataV1

        d = dict(src_dict)
        event_type = V1UnitUnpairedEventEventType(d.pop("eventType"))

        event_version = V1UnitUnpairedEventEventVersion(d.pop("eventVersion"))

        event_data = UnitUnpairedEventDataV1.from_dict(d.pop("eventData"))

        v1_unit_unpaired_event = cls(
            event_type=event_type,
            event_version=event_version,
            event_data=event_data,
        )

        return v1_unit_unpaired_event
