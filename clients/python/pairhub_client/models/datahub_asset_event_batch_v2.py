from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.v2_unit_paired_event import V2UnitPairedEvent


T = TypeVar("T", bound="DatahubAssetEventBatchV2")


@_attrs_define
class DatahubAssetEventBatchV2:
    """
    Attributes:
        event_batch_id (UUID):
        event_subscription_id (UUID):
        event_batch_time (str): UTC, 7 fractional digits.
        events_data (list[V2UnitPairedEvent]):
    """

    event_batch_id: UUID
    event_subscription_id: UUID
    event_batch_time: str
    events_data: list[V2UnitPairedEvent]

    def to_dict(self) -> dict[str, Any]:
        event_batch_id = str(self.event_batch_id)

        event_subscription_id = str(self.event_subscription_id)

        event_batch_time = self.event_batch_time

        events_data = []
        for events_data_item_data in self.events_data:
            events_data_item = events_data_item_data.to_dict()
            events_data.append(events_data_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "eventBatchId": event_batch_id,
                "eventSubscriptionId": event_subscription_id,
                "eventBatchTime": event_batch_time,
                "eventsData": events_data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.v2_unit_paired_event import V2UnitPairedEvent

        d = dict(src_dict)
        event_batch_id = UUID(d.pop("eventBatchId"))

        event_subscription_id = UUID(d.pop("eventSubscriptionId"))

        event_batch_time = d.pop("eventBatchTime")

        events_data = []
        _events_data = d.pop("eventsData")
        for events_data_item_data in _events_data:
            events_data_item = V2UnitPairedEvent.from_dict(events_data_item_data)

            events_data.append(events_data_item)

        datahub_asset_event_batch_v2 = cls(
            event_batch_id=event_batch_id,
            event_subscription_id=event_subscription_id,
            event_batch_time=event_batch_time,
            events_data=events_data,
        )

        return datahub_asset_event_batch_v2
