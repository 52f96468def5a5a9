from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rejection_out import RejectionOut


T = TypeVar("T", bound="UnitMessagesOut")


@_attrs_define
class UnitMessagesOut:
    """How many messages were taken, and the refused ones by index.

    Attributes:
        accepted (int):
        rejected (list[RejectionOut]): The first 20 refused messages, by index.
        more_rejected (int): Refused messages beyond the 20 listed (all after them by index). Default: 0.
    """

    accepted: int
    rejected: list[RejectionOut]
    more_rejected: int = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted = self.accepted

        rejected = []
        for rejected_item_data in self.rejected:
            rejected_item = rejected_item_data.to_dict()
            rejected.append(rejected_item)

        more_rejected = self.more_rejected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accepted": accepted,
                "rejected": rejected,
                "moreRejected": more_rejected,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.rejection_out import RejectionOut

        d = dict(src_dict)
        accepted = d.pop("accepted")

        rejected = []
        _rejected = d.pop("rejected")
        for rejected_item_data in _rejected:
            rejected_item = RejectionOut.from_dict(rejected_item_data)

            rejected.append(rejected_item)

        more_rejected = d.pop("moreRejected")

        unit_messages_out = cls(
            accepted=accepted,
            rejected=rejected,
            more_rejected=more_rejected,
        )

        unit_messages_out.additional_properties = d
        return unit_messages_out

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
