from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.feed_in_event_names_item import FeedInEventNamesItem
from ..models.feed_in_eventversion import FeedInEventversion
from ..types import UNSET, Unset

T = TypeVar("T", bound="FeedIn")


@_attrs_define
class FeedIn:
    """Create a feed: which events, in which version (`unit.unpaired` exists in version 1 only).

    Attributes:
        event_names (list[FeedInEventNamesItem]):
        event_version (FeedInEventversion | Unset): Default: `1`.
    """

    event_names: list[FeedInEventNamesItem]
    event_version: FeedInEventversion | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        event_names = []
        for event_names_item_data in self.event_names:
            event_names_item = event_names_item_data.value
            event_names.append(event_names_item)

        event_version: int | Unset = UNSET
        if not isinstance(self.event_version, Unset):
            event_version = self.event_version.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "eventNames": event_names,
            }
        )
        if event_version is not UNSET:
            field_dict["eventVersion"] = event_version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        event_names = []
        _event_names = d.pop("eventNames")
        for event_names_item_data in _event_names:
            event_names_item = FeedInEventNamesItem(event_names_item_data)

            event_names.append(event_names_item)

        _event_version = d.pop("eventVersion", UNSET)
        event_version: FeedInEventversion | Unset
        if isinstance(_event_version, Unset):
            event_version = UNSET
        else:
            event_version = FeedInEventversion(_event_version)

        feed_in = cls(
            event_names=event_names,
            event_version=event_version,
        )

        return feed_in
