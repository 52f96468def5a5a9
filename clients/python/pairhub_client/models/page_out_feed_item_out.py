from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.v1_unit_paired_feed_item import V1UnitPairedFeedItem
    from ..models.v1_unit_unpaired_feed_item import V1UnitUnpairedFeedItem
    from ..models.v2_unit_paired_feed_item import V2UnitPairedFeedItem


T = TypeVar("T", bound="PageOutFeedItemOut")


@_attrs_define
class PageOutFeedItemOut:
    """
    Attributes:
        data (list[V1UnitPairedFeedItem | V1UnitUnpairedFeedItem | V2UnitPairedFeedItem]):
        next_cursor (None | str):
    """

    data: list[V1UnitPairedFeedItem | V1UnitUnpairedFeedItem | V2UnitPairedFeedItem]
    next_cursor: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.v1_unit_paired_feed_item import V1UnitPairedFeedItem
        from ..models.v1_unit_unpaired_feed_item import V1UnitUnpairedFeedItem

        data = []
        for data_item_data in self.data:
            data_item: dict[str, Any]
            if isinstance(data_item_data, V1UnitPairedFeedItem) or isinstance(
                data_item_data, V1UnitUnpairedFeedItem
            ):
                data_item = data_item_data.to_dict()
            else:
                data_item = data_item_data.to_dict()

            data.append(data_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "nextCursor": next_cursor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.v1_unit_paired_feed_item import V1UnitPairedFeedItem
        from ..models.v1_unit_unpaired_feed_item import V1UnitUnpairedFeedItem
        from ..models.v2_unit_paired_feed_item import V2UnitPairedFeedItem

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:

            def _parse_data_item(
                data: object,
            ) -> V1UnitPairedFeedItem | V1UnitUnpairedFeedItem | V2UnitPairedFeedItem:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_feed_item_out_type_0 = (
                        V1UnitPairedFeedItem.from_dict(data)
                    )

                    return componentsschemas_feed_item_out_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_feed_item_out_type_1 = (
                        V1UnitUnpairedFeedItem.from_dict(data)
                    )

                    return componentsschemas_feed_item_out_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_feed_item_out_type_2 = V2UnitPairedFeedItem.from_dict(
                    data
                )

                return componentsschemas_feed_item_out_type_2

            data_item = _parse_data_item(data_item_data)

            data.append(data_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("nextCursor"))

        page_out_feed_item_out = cls(
            data=data,
            next_cursor=next_cursor,
        )

        page_out_feed_item_out.additional_properties = d
        return page_out_feed_item_out

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
