from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DeliveryHourOut")


@_attrs_define
class DeliveryHourOut:
    """One hour of a subscription's delivery log.

    Attributes:
        start (str): The hour's first instant, UTC.
        events_delivered (int): Events in batches a successful attempt of this hour delivered.
        attempts_succeeded (int): Attempts the receiver answered with 2xx.
        attempts_retried (int): Attempts that failed and leave the batch to be sent again.
        attempts_refused (int): Attempts the receiver refused for good (4xx, 410).
        attempts (int): Every attempt of the hour, those whose answer was not recorded included.
    """

    start: str
    events_delivered: int
    attempts_succeeded: int
    attempts_retried: int
    attempts_refused: int
    attempts: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start = self.start

        events_delivered = self.events_delivered

        attempts_succeeded = self.attempts_succeeded

        attempts_retried = self.attempts_retried

        attempts_refused = self.attempts_refused

        attempts = self.attempts

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "start": start,
                "eventsDelivered": events_delivered,
                "attemptsSucceeded": attempts_succeeded,
                "attemptsRetried": attempts_retried,
                "attemptsRefused": attempts_refused,
                "attempts": attempts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        start = d.pop("start")

        events_delivered = d.pop("eventsDelivered")

        attempts_succeeded = d.pop("attemptsSucceeded")

        attempts_retried = d.pop("attemptsRetried")

        attempts_refused = d.pop("attemptsRefused")

        attempts = d.pop("attempts")

        delivery_hour_out = cls(
            start=start,
            events_delivered=events_delivered,
            attempts_succeeded=attempts_succeeded,
            attempts_retried=attempts_retried,
            attempts_refused=attempts_refused,
            attempts=attempts,
        )

        delivery_hour_out.additional_properties = d
        return delivery_hour_out

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
