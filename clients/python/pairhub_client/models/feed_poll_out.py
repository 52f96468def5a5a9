from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.v1_unit_paired_event import V1UnitPairedEvent
    from ..models.v1_unit_unpaired_event import V1UnitUnpairedEvent
    from ..models.v2_unit_paired_event import V2UnitPairedEvent


T = TypeVar("T", bound="FeedPollOut")


@_attrs_define
class FeedPollOut:
    """A page of a feed; the position has moved past it. `hasNext`: more events wait already.

    Attributes:
        items (list[V1UnitPairedEvent | V1UnitUnpairedEvent | V2UnitPairedEvent]):
        has_next (bool):
    """

    items: list[V1UnitPairedEvent | V1UnitUnpairedEvent | V2UnitPairedEvent]
    has_next: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.v1_unit_paired_event import V1UnitPairedEvent
        from ..models.v1_unit_unpaired_event import V1UnitUnpairedEvent

        items = []
        for items_item_data in self.items:
            items_item: dict[str, Any]
            if isinstance(items_item_data, V1UnitPairedEvent) or isinstance(
                items_item_data, V1UnitUnpairedEvent
            ):
                items_item = items_item_data.to_dict()
            else:
                items_item = items_item_data.to_dict()

            items.append(items_item)

        has_next = self.has_next

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "hasNext": has_next,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.v1_unit_paired_event import V1UnitPairedEvent
        from ..models.v1_unit_unpaired_event import V1UnitUnpairedEvent
        from ..models.v2_unit_paired_event import V2UnitPairedEvent

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:

            def _parse_items_item(
                data: object,
            ) -> V1UnitPairedEvent | V1UnitUnpairedEvent | V2UnitPairedEvent:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_feed_event_out_type_0 = (
                        V1UnitPairedEvent.from_dict(data)
                    )

                    return componentsschemas_feed_event_out_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_feed_event_out_type_1 = (
                        V1UnitUnpairedEvent.from_dict(data)
                    )

                    return componentsschemas_feed_event_out_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_feed_event_out_type_2 = V2UnitPairedEvent.from_dict(
                    data
                )

                return componentsschemas_feed_event_out_type_2

            items_item = _parse_items_item(items_item_data)

            items.append(items_item)

        has_next = d.pop("hasNext")

        feed_poll_out = cls(
            items=items,
            has_next=has_next,
        )

        feed_poll_out.additional_properties = d
        return feed_poll_out

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
