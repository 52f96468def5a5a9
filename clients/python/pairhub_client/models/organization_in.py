from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="OrganizationIn")


@_attrs_define
class OrganizationIn:
    """Create an organization.

    Attributes:
        name (str):
        auto_pairing_enabled (bool | Unset): Default: `false`.
        datahub_subscription_active (bool | Unset): Default: `true`.
    """

    name: str
    auto_pairing_enabled: bool | Unset = UNSET
    datahub_subscription_active: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        auto_pairing_enabled = self.auto_pairing_enabled

        datahub_subscription_active = self.datahub_subscription_active

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if auto_pairing_enabled is not UNSET:
            field_dict["autoPairingEnabled"] = auto_pairing_enabled
        if datahub_subscription_active is not UNSET:
            field_dict["datahubSubscriptionActive"] = datahub_subscription_active

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        auto_pairing_enabled = d.pop("autoPairingEnabled", UNSET)

        datahub_subscription_active = d.pop("datahubSubscriptionActive", UNSET)

        organization_in = cls(
            name=name,
            auto_pairing_enabled=auto_pairing_enabled,
            datahub_subscription_active=datahub_subscription_active,
        )

        return organization_in
