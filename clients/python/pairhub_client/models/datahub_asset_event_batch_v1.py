from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.v1_unit_paired_event import V1UnitPairedEvent
    from ..models.v1_unit_unpaired_event import V1UnitUnpairedEvent


T = TypeVar("T", bound="DatahubAssetEventBatchV1")


@_attrs_define
class DatahubAssetEventBatchV1:
    """
    Attributes:
        event_batch_id (UUID):
        event_subscription_id (UUID):
        event_batch_time (str): UTC, 7 fractional digits.
        events_data (list[V1UnitPairedEvent | V1UnitUnpairedEvent]):
    """

    event_batch_id: UUID
    event_subscription_id: UUID
    event_batch_time: str
    events_data: list[V1UnitPairedEvent | V1UnitUnpairedEvent]

    def to_dict(self) -> dict[str, Any]:
        from ..models.v1_unit_paired_event import V1UnitPairedEvent

        event_batch_id = str(self.event_batch_id)

        event_subscription_id = str(self.event_subscription_id)

        event_batch_time = self.event_batch_time

        events_data = []
        for events_data_item_data in self.events_data:
            events_data_item: dict[str, Any]
            if isinstance(events_data_item_data, V1UnitPairedEvent):
                events_data_item = events_data_item_data.to_dict()
            else:
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
        from ..models.v1_unit_paired_event import V1UnitPairedEvent
        from ..models.v1_unit_unpaired_event import V1UnitUnpairedEvent

        d = dict(src_dict)
        event_batch_id = UUID(d.pop("eventBatchId"))

        event_subscription_id = UUID(d.pop("eventSubscriptionId"))

        event_batch_time = d.pop("eventBatchTime")

        events_data = []
        _events_data = d.pop("eventsData")
        for events_data_item_data in _events_data:

            def _parse_events_data_item(
                data: object,
            ) -> V1UnitPairedEvent | V1UnitUnpairedEvent:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    events_data_item_type_0 = V1UnitPairedEvent.from_dict(data)

                    return events_data_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                events_data_item_type_1 = V1UnitUnpairedEvent.from_dict(data)

                return events_data_item_type_1

            events_data_item = _parse_events_data_item(events_data_item_data)

            events_data.append(events_data_item)

        datahub_asset_event_batch_v1 = cls(
            event_batch_id=event_batch_id,
            event_subscription_id=event_subscription_id,
            event_batch_time=event_batch_time,
            events_data=events_data,
        )

        return datahub_asset_event_batch_v1
