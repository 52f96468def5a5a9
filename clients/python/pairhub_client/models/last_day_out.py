from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.delivery_hour_out import DeliveryHourOut
    from ..models.latency_out import LatencyOut


T = TypeVar("T", bound="LastDayOut")


@_attrs_define
class LastDayOut:
    """A subscription's delivery over the last 24 clock hours (UTC), one entry per hour, oldest first.

    Attributes:
        start (str):
        end (str):
        hours (list[DeliveryHourOut]):
        latency_ms (LatencyOut): Attempt durations over the 24 hours, nearest-rank percentiles (null without attempts).
    """

    start: str
    end: str
    hours: list[DeliveryHourOut]
    latency_ms: LatencyOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start = self.start

        end = self.end

        hours = []
        for hours_item_data in self.hours:
            hours_item = hours_item_data.to_dict()
            hours.append(hours_item)

        latency_ms = self.latency_ms.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "start": start,
                "end": end,
                "hours": hours,
                "latencyMs": latency_ms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.delivery_hour_out import DeliveryHourOut
        from ..models.latency_out import LatencyOut

        d = dict(src_dict)
        start = d.pop("start")

        end = d.pop("end")

        hours = []
        _hours = d.pop("hours")
        for hours_item_data in _hours:
            hours_item = DeliveryHourOut.from_dict(hours_item_data)

            hours.append(hours_item)

        latency_ms = LatencyOut.from_dict(d.pop("latencyMs"))

        last_day_out = cls(
            start=start,
            end=end,
            hours=hours,
            latency_ms=latency_ms,
        )

        last_day_out.additional_properties = d
        return last_day_out

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
