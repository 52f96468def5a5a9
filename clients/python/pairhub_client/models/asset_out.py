from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AssetOut")


@_attrs_define
class AssetOut:
    """An asset with the units paired to it.

    Attributes:
        id (UUID):
        organization_id (UUID):
        vin (None | str):
        name (None | str):
        check_digit_valid (bool | None):
        unit_ids (list[str]):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    organization_id: UUID
    vin: None | str
    name: None | str
    check_digit_valid: bool | None
    unit_ids: list[str]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        organization_id = str(self.organization_id)

        vin: None | str
        vin = self.vin

        name: None | str
        name = self.name

        check_digit_valid: bool | None
        check_digit_valid = self.check_digit_valid

        unit_ids = self.unit_ids

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "organizationId": organization_id,
                "vin": vin,
                "name": name,
                "checkDigitValid": check_digit_valid,
                "unitIds": unit_ids,
                "createdAt": created_at,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        organization_id = UUID(d.pop("organizationId"))

        def _parse_vin(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        vin = _parse_vin(d.pop("vin"))

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        def _parse_check_digit_valid(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        check_digit_valid = _parse_check_digit_valid(d.pop("checkDigitValid"))

        unit_ids = cast(list[str], d.pop("unitIds"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        asset_out = cls(
            id=id,
            organization_id=organization_id,
            vin=vin,
            name=name,
            check_digit_valid=check_digit_valid,
            unit_ids=unit_ids,
            created_at=created_at,
            updated_at=updated_at,
        )

        asset_out.additional_properties = d
        return asset_out

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
