from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.unit_message_in import UnitMessageIn


T = TypeVar("T", bound="UnitMessagesIn")


@_attrs_define
class UnitMessagesIn:
    """Up to 1000 messages; each is taken or refused on its own.

    Attributes:
        messages (list[UnitMessageIn]):
    """

    messages: list[UnitMessageIn]

    def to_dict(self) -> dict[str, Any]:
        messages = []
        for messages_item_data in self.messages:
            messages_item = messages_item_data.to_dict()
            messages.append(messages_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "messages": messages,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.unit_message_in import UnitMessageIn

        d = dict(src_dict)
        messages = []
        _messages = d.pop("messages")
        for messages_item_data in _messages:
            messages_item = UnitMessageIn.from_dict(messages_item_data)

            messages.append(messages_item)

        unit_messages_in = cls(
            messages=messages,
        )

        return unit_messages_in
