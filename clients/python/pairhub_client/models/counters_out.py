from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CountersOut")


@_attrs_define
class CountersOut:
    """What became of the subscription's events so far; expiries are never silent.

    Attributes:
        events_delivered (int):
        events_refused (int): Events in batches the receiver refused for good (not retried).
        events_expired (int):
    """

    events_delivered: int
    events_refused: int
    events_expired: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        events_delivered = self.events_delivered

        events_refused = self.events_refused

        events_expired = self.events_expired

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "eventsDelivered": events_delivered,
                "eventsRefused": events_refused,
                "eventsExpired": events_expired,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        events_delivered = d.pop("eventsDelivered")

        events_refused = d.pop("eventsRefused")

        events_expired = d.pop("eventsExpired")

        counters_out = cls(
            events_delivered=events_delivered,
            events_refused=events_refused,
            events_expired=events_expired,
        )

        counters_out.additional_properties = d
        return counters_out

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
