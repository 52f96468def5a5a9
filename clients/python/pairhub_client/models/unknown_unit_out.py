from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UnknownUnitOut")


@_attrs_define
class UnknownUnitOut:
    """A unit id that reported without being provisioned.

    Attributes:
        unit_id (str):
        first_seen (str): When the first refused message of this id arrived.
        last_seen (str): When the latest one arrived.
        messages (int): Refused messages counted (HTTP and MQTT).
    """

    unit_id: str
    first_seen: str
    last_seen: str
    messages: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        unit_id = self.unit_id

        first_seen = self.first_seen

        last_seen = self.last_seen

        messages = self.messages

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "unitId": unit_id,
                "firstSeen": first_seen,
                "lastSeen": last_seen,
                "messages": messages,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        unit_id = d.pop("unitId")

        first_seen = d.pop("firstSeen")

        last_seen = d.pop("lastSeen")

        messages = d.pop("messages")

        unknown_unit_out = cls(
            unit_id=unit_id,
            first_seen=first_seen,
            last_seen=last_seen,
            messages=messages,
        )

        unknown_unit_out.additional_properties = d
        return unknown_unit_out

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
