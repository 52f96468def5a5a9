from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.unit_counts_out_bystate import UnitCountsOutBystate


T = TypeVar("T", bound="UnitCountsOut")


@_attrs_define
class UnitCountsOut:
    """How many units stand where.

    Attributes:
        total (int):
        paired (int):
        not_paired (int):
        by_state (UnitCountsOutBystate): Units per auto-pairing state (every state, zeros included).
    """

    total: int
    paired: int
    not_paired: int
    by_state: UnitCountsOutBystate
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        paired = self.paired

        not_paired = self.not_paired

        by_state = self.by_state.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "paired": paired,
                "notPaired": not_paired,
                "byState": by_state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.unit_counts_out_bystate import UnitCountsOutBystate

        d = dict(src_dict)
        total = d.pop("total")

        paired = d.pop("paired")

        not_paired = d.pop("notPaired")

        by_state = UnitCountsOutBystate.from_dict(d.pop("byState"))

        unit_counts_out = cls(
            total=total,
            paired=paired,
            not_paired=not_paired,
            by_state=by_state,
        )

        unit_counts_out.additional_properties = d
        return unit_counts_out

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
