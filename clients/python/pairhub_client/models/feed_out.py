from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.feed_out_event_names_item import FeedOutEventNamesItem
from ..models.feed_out_eventversion import FeedOutEventversion
from ..models.feed_out_state import FeedOutState

T = TypeVar("T", bound="FeedOut")


@_attrs_define
class FeedOut:
    """A Datahub feed; poll it at `GET /v1/feed/{id}`.

    Attributes:
        id (UUID):
        organization_id (UUID):
        event_version (FeedOutEventversion):
        event_names (list[FeedOutEventNamesItem]):
        state (FeedOutState):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        last_polled_at (datetime.datetime | None):
        backlog_events (int): Events of the feed not yet handed out.
    """

    id: UUID
    organization_id: UUID
    event_version: FeedOutEventversion
    event_names: list[FeedOutEventNamesItem]
    state: FeedOutState
    created_at: datetime.datetime
    updated_at: datetime.datetime
    last_polled_at: datetime.datetime | None
    backlog_events: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        organization_id = str(self.organization_id)

        event_version = self.event_version.value

        event_names = []
        for event_names_item_data in self.event_names:
            event_names_item = event_names_item_data.value
            event_names.append(event_names_item)

        state = self.state.value

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        last_polled_at: None | str
        if isinstance(self.last_polled_at, datetime.datetime):
            last_polled_at = self.last_polled_at.isoformat()
        else:
            last_polled_at = self.last_polled_at

        backlog_events = self.backlog_events

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "organizationId": organization_id,
                "eventVersion": event_version,
                "eventNames": event_names,
                "state": state,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "lastPolledAt": last_polled_at,
                "backlogEvents": backlog_events,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        organization_id = UUID(d.pop("organizationId"))

        event_version = FeedOutEventversion(d.pop("eventVersion"))

        event_names = []
        _event_names = d.pop("eventNames")
        for event_names_item_data in _event_names:
            event_names_item = FeedOutEventNamesItem(event_names_item_data)

            event_names.append(event_names_item)

        state = FeedOutState(d.pop("state"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        def _parse_last_polled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_polled_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_polled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_polled_at = _parse_last_polled_at(d.pop("lastPolledAt"))

        backlog_events = d.pop("backlogEvents")

        feed_out = cls(
            id=id,
            organization_id=organization_id,
            event_version=event_version,
            event_names=event_names,
            state=state,
            created_at=created_at,
            updated_at=updated_at,
            last_polled_at=last_polled_at,
            backlog_events=backlog_events,
        )

        feed_out.additional_properties = d
        return feed_out

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
