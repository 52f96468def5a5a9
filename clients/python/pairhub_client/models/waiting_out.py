from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WaitingOut")


@_attrs_define
class WaitingOut:
    """Units waiting in auto pairing, per outcome.

    Attributes:
        total (int):
        not_found (int):
        multiple_match_found (int):
        invalid_data (int):
        unknown (int):
    """

    total: int
    not_found: int
    multiple_match_found: int
    invalid_data: int
    unknown: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        not_found = self.not_found

        multiple_match_found = self.multiple_match_found

        invalid_data = self.invalid_data

        unknown = self.unknown

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "notFound": not_found,
                "multipleMatchFound": multiple_match_found,
                "invalidData": invalid_data,
                "unknown": unknown,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        total = d.pop("total")

        not_found = d.pop("notFound")

        multiple_match_found = d.pop("multipleMatchFound")

        invalid_data = d.pop("invalidData")

        unknown = d.pop("unknown")

        waiting_out = cls(
            total=total,
            not_found=not_found,
            multiple_match_found=multiple_match_found,
            invalid_data=invalid_data,
            unknown=unknown,
        )

        waiting_out.additional_properties = d
        return waiting_out

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
