from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OrganizationOut")


@_attrs_define
class OrganizationOut:
    """An organization.

    Attributes:
        id (UUID):
        name (str):
        auto_pairing_enabled (bool):
        datahub_subscription_active (bool):
        created_at (datetime.datetime):
    """

    id: UUID
    name: str
    auto_pairing_enabled: bool
    datahub_subscription_active: bool
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        auto_pairing_enabled = self.auto_pairing_enabled

        datahub_subscription_active = self.datahub_subscription_active

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "autoPairingEnabled": auto_pairing_enabled,
                "datahubSubscriptionActive": datahub_subscription_active,
                "createdAt": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        auto_pairing_enabled = d.pop("autoPairingEnabled")

        datahub_subscription_active = d.pop("datahubSubscriptionActive")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        organization_out = cls(
            id=id,
            name=name,
            auto_pairing_enabled=auto_pairing_enabled,
            datahub_subscription_active=datahub_subscription_active,
            created_at=created_at,
        )

        organization_out.additional_properties = d
        return organization_out

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
