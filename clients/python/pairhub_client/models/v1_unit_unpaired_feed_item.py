from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.v1_unit_unpaired_feed_item_event_type import (
    V1UnitUnpairedFeedItemEventType,
)
from ..models.v1_unit_unpaired_feed_item_event_version import (
    V1UnitUnpairedFeedItemEventVersion,
)

if TYPE_CHECKING:
    from ..models.unit_unpaired_event_data_v1 import UnitUnpairedEventDataV1


T = TypeVar("T", bound="V1UnitUnpairedFeedItem")


@_attrs_define
class V1UnitUnpairedFeedItem:
    """
    Attributes:
        cursor (str):
        event_type (V1UnitUnpairedFeedItemEventType):
        event_version (V1UnitUnpairedFeedItemEventVersion):
        event_data (UnitUnpairedEventDataV1):
    """

    cursor: str
    event_type: V1UnitUnpairedFeedItemEventType
    event_version: V1UnitUnpairedFeedItemEventVersion
    event_data: UnitUnpairedEventDataV1

    def to_dict(self) -> dict[str, Any]:
        cursor = self.cursor

        event_type = self.event_type.value

        event_version = self.event_version.value

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

        event_type = V1UnitUnpairedFeedItemEventType(d.pop("eventType"))

        event_version = V1UnitUnpairedFeedItemEventVersion(d.pop("eventVersion"))

        event_data = UnitUnpairedEventDataV1.from_dict(d.pop("eventData"))

        v1_unit_unpaired_feed_item = cls(
            cursor=cursor,
            event_type=event_type,
            event_version=event_version,
            event_data=event_data,
        )

        return v1_unit_unpaired_feed_item
