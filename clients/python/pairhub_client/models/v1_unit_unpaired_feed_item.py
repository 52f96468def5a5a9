from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.unit_unpaired_event_data_v1 import UnitUnpairedEventDataV1


T = TypeVar("T", bound="V1UnitUnpairedFeedItem")


@_attrs_define
class V1UnitUnpairedFeedItem:
    """
    Attributes:
        cursor (str):
        event_type (Literal['unit.unpaired']):
        event_version (Literal[1]):
        event_data (UnitUnpairedEventDataV1):
    """

    cursor: str
    event_type: Literal["unit.unpaired"]
    event_version: Literal[1]
    event_data: UnitUnpairedEventDataV1

    def to_dict(self) -> dict[str, Any]:
        cursor = self.cursor

        event_type = self.event_type

        event_version = self.event_version

        event_data = self.event_data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "cursor": cursor,
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
        cursor = d.pop("cursor")

        event_type = cast(Literal["unit.unpaired"], d.pop("eventType"))
        if event_type != "unit.unpaired":
            raise ValueError(
                f"eventType must match const 'unit.unpaired', got '{event_type}'"
            )

        event_version = cast(Literal[1], d.pop("eventVersion"))
        if event_version != 1:
            raise ValueError(f"eventVersion must match const 1, got '{event_version}'")

        event_data = UnitUnpairedEventDataV1.from_dict(d.pop("eventData"))

        v1_unit_unpaired_feed_item = cls(
            cursor=cursor,
            event_type=event_type,
            event_version=event_version,
            event_data=event_data,
        )

        return v1_unit_unpaired_feed_item
