from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="PersonPatch")


@_attrs_define
class PersonPatch:
    """Grant or take a person's platform-admin rights.

    Attributes:
        platform_admin (bool):
    """

    platform_admin: bool

    def to_dict(self) -> dict[str, Any]:
        platform_admin = self.platform_admin

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "platformAdmin": platform_admin,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        platform_admin = d.pop("platformAdmin")

        person_patch = cls(
            platform_admin=platform_admin,
        )

        return person_patch
