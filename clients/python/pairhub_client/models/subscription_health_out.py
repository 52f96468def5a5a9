from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.last_day_out import LastDayOut


T = TypeVar("T", bound="SubscriptionHealthOut")


@_attrs_define
class SubscriptionHealthOut:
    """A subscription's state, backlog and delivery health.

    Attributes:
        id (UUID):
        url (str):
        description (None | str):
        state (str):
        event_version (int):
        backlog (int): Events waiting to be delivered.
        oldest_waiting_event_at (datetime.datetime | None): When the oldest waiting event was registered.
        events_delivered (int):
        events_refused (int): Events in batches the receiver refused for good.
        events_expired (int):
        last_day (LastDayOut): A subscription's delivery over the last 24 clock hours (UTC), one entry per hour, oldest
            first.
    """

    id: UUID
    url: str
    description: None | str
    state: str
    event_version: int
    backlog: int
    oldest_waiting_event_at: datetime.datetime | None
    events_delivered: int
    events_refused: int
    events_expired: int
    last_day: LastDayOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        url = self.url

        description: None | str
        description = self.description

        state = self.state

        event_version = self.event_version

        backlog = self.backlog

        oldest_waiting_event_at: None | str
        if isinstance(self.oldest_waiting_event_at, datetime.datetime):
            oldest_waiting_event_at = self.oldest_waiting_event_at.isoformat()
        else:
            oldest_waiting_event_at = self.oldest_waiting_event_at

        events_delivered = self.events_delivered

        events_refused = self.events_refused

        events_expired = self.events_expired

        last_day = self.last_day.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "description": description,
                "state": state,
                "eventVersion": event_version,
                "backlog": backlog,
                "oldestWaitingEventAt": oldest_waiting_event_at,
                "eventsDelivered": events_delivered,
                "eventsRefused": events_refused,
                "eventsExpired": events_expired,
                "lastDay": last_day,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.last_day_out import LastDayOut

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        url = d.pop("url")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        state = d.pop("state")

        event_version = d.pop("eventVersion")

        backlog = d.pop("backlog")

        def _parse_oldest_waiting_event_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                oldest_waiting_event_at_type_0 = datetime.datetime.fromisoformat(data)

                return oldest_waiting_event_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        oldest_waiting_event_at = _parse_oldest_waiting_event_at(
            d.pop("oldestWaitingEventAt")
        )

        events_delivered = d.pop("eventsDelivered")

        events_refused = d.pop("eventsRefused")

        events_expired = d.pop("eventsExpired")

        last_day = LastDayOut.from_dict(d.pop("lastDay"))

        subscription_health_out = cls(
            id=id,
            url=url,
            description=description,
            state=state,
            event_version=event_version,
            backlog=backlog,
            oldest_waiting_event_at=oldest_waiting_event_at,
            events_delivered=events_delivered,
            events_refused=events_refused,
            events_expired=events_expired,
            last_day=last_day,
        )

        subscription_health_out.additional_properties = d
        return subscription_health_out

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
