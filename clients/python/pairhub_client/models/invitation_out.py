from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invitation_out_role import InvitationOutRole

T = TypeVar("T", bound="InvitationOut")


@_attrs_define
class InvitationOut:
    """An open invitation (the link itself is shown only when it is made).

    Attributes:
        id (UUID):
        email (str):
        role (InvitationOutRole):
        created_by (str):
        expires_at (datetime.datetime):
    """

    id: UUID
    email: str
    role: InvitationOutRole
    created_by: str
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        email = self.email

        role = self.role.value

        created_by = self.created_by

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "email": email,
                "role": role,
                "createdBy": created_by,
                "expiresAt": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        email = d.pop("email")

        role = InvitationOutRole(d.pop("role"))

        created_by = d.pop("createdBy")

        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        invitation_out = cls(
            id=id,
            email=email,
            role=role,
            created_by=created_by,
            expires_at=expires_at,
        )

        invitation_out.additional_properties = d
        return invitation_out

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
