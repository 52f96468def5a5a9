from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="UnitIn")


@_attrs_define
class UnitIn:
    """Provision a unit.

    Attributes:
        unit_id (str):
    """

    unit_id: str

    def to_dict(self) -> dict[str, Any]:
        unit_id = self.unit_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "unitId": unit_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        unit_id = d.pop("unitId")

        unit_in = cls(
            unit_id=unit_id,
        )

        return unit_in
