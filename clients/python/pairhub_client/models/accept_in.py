from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AcceptIn")


@_attrs_define
class AcceptIn:
    """Accept an invitation: the name to show and a password.

    Attributes:
        password (str):
        name (str | Unset): Default: `""`.
    """

    password: str
    name: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        password = self.password

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "password": password,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        password = d.pop("password")

        name = d.pop("name", UNSET)

        accept_in = cls(
            password=password,
            name=name,
        )

        return accept_in
