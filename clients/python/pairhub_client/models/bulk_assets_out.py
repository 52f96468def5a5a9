from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.bulk_item_out import BulkItemOut


T = TypeVar("T", bound="BulkAssetsOut")


@_attrs_define
class BulkAssetsOut:
    """Outcomes of a bulk create, in request order.

    Attributes:
        created (int):
        existing (int):
        refused (int):
        results (list[BulkItemOut]): Every created and existing item, and the first 20 refused ones (by index).
        more_refused (int): Refused items beyond the 20 listed: their indexes are those missing from `results`. Default:
            0.
    """

    created: int
    existing: int
    refused: int
    results: list[BulkItemOut]
    more_refused: int = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created = self.created

        existing = self.existing

        refused = self.refused

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        more_refused = self.more_refused

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created": created,
                "existing": existing,
                "refused": refused,
                "results": results,
                "moreRefused": more_refused,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.bulk_item_out import BulkItemOut

        d = dict(src_dict)
        created = d.pop("created")

        existing = d.pop("existing")

        refused = d.pop("refused")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = BulkItemOut.from_dict(results_item_data)

            results.append(results_item)

        more_refused = d.pop("moreRefused")

        bulk_assets_out = cls(
            created=created,
            existing=existing,
            refused=refused,
            results=results,
            more_refused=more_refused,
        )

        bulk_assets_out.additional_properties = d
        return bulk_assets_out

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
