from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.membership_out import MembershipOut


T = TypeVar("T", bound="PersonOut")


@_attrs_define
class PersonOut:
    """A person on the instance, with every organization they belong to.

    Attributes:
        user_id (str):
        email (str):
        name (str):
        platform_admin (bool):
        memberships (list[MembershipOut]):
        created_at (datetime.datetime):
    """

    user_id: str
    email: str
    name: str
    platform_admin: bool
    memberships: list[MembershipOut]
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        email = self.email

        name = self.name

        platform_admin = self.platform_admin

        memberships = []
        for memberships_item_data in self.memberships:
            memberships_item = memberships_item_data.to_dict()
            memberships.append(memberships_item)

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userId": user_id,
                "email": email,
                "name": name,
                "platformAdmin": platform_admin,
                "memberships": memberships,
                "createdAt": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.membership_out import MembershipOut

        d = dict(src_dict)
        user_id = d.pop("userId")

        email = d.pop("email")

        name = d.pop("name")

        platform_admin = d.pop("platformAdmin")

        memberships = []
        _memberships = d.pop("memberships")
        for memberships_item_data in _memberships:
            memberships_item = MembershipOut.from_dict(memberships_item_data)

            memberships.append(memberships_item)

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        person_out = cls(
            user_id=user_id,
            email=email,
            name=name,
            platform_admin=platform_admin,
            memberships=memberships,
            created_at=created_at,
        )

        person_out.additional_properties = d
        return person_out

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
