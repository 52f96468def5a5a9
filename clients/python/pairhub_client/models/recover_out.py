from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RecoverOut")


@_attrs_define
class RecoverOut:
    """What the recovery queued.

    Attributes:
        events (int): Events queued again (those cut already; newer ones follow as usual).
        batches (int):
        recovery (int): The recovery's number, as the delivery log marks its batches (0: none).
    """

    events: int
    batches: int
    recovery: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        events = self.events

        batches = self.batches

        recovery = self.recovery

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "events": events,
                "batches": batches,
                "recovery": recovery,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        events = d.pop("events")

        batches = d.pop("batches")

        recovery = d.pop("recovery")

        recover_out = cls(
            events=events,
            batches=batches,
            recovery=recovery,
        )

        recover_out.additional_properties = d
        return recover_out

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
