from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RecoverIn")


@_attrs_define
class RecoverIn:
    """From when on to send the events again.

    Attributes:
        since (str): ISO 8601 with a UTC offset: the events registered at or after it are sent again.
    """

    since: str

    def to_dict(self) -> dict[str, Any]:
        since = self.since

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "since": since,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        since = d.pop("since")

        recover_in = cls(
            since=since,
        )

        return recover_in
