from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.invitation_in_role import InvitationInRole

T = TypeVar("T", bound="InvitationIn")


@_attrs_define
class InvitationIn:
    """Invite someone by email with a role.

    Attributes:
        email (str):
        role (InvitationInRole):
    """

    email: str
    role: InvitationInRole

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        role = self.role.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        email = d.pop("email")

        role = InvitationInRole(d.pop("role"))

        invitation_in = cls(
            email=email,
            role=role,
        )

        return invitation_in
