from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PairingHistoryOut")


@_attrs_define
class PairingHistoryOut:
    """One pairing, past or present.

    Attributes:
        organization_id (UUID):
        unit_id (str):
        asset_id (UUID):
        paired_at (datetime.datetime):
        paired_by (str):
        paired_via (str):
        unpaired_at (datetime.datetime | None):
        unpaired_by (None | str):
        unpaired_via (None | str):
    """

    organization_id: UUID
    unit_id: str
    asset_id: UUID
    paired_at: datetime.datetime
    paired_by: str
    paired_via: str
    unpaired_at: datetime.datetime | None
    unpaired_by: None | str
    unpaired_via: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        organization_id = str(self.organization_id)

        unit_id = self.unit_id

        asset_id = str(self.asset_id)

        paired_at = self.paired_at.isoformat()

        paired_by = self.paired_by

        paired_via = self.paired_via

        unpaired_at: None | str
        if isinstance(self.unpaired_at, datetime.datetime):
            unpaired_at = self.unpaired_at.isoformat()
        else:
            unpaired_at = self.unpaired_at

        unpaired_by: None | str
        unpaired_by = self.unpaired_by

        unpaired_via: None | str
        unpaired_via = self.unpaired_via

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "organizationId": organization_id,
                "unitId": unit_id,
                "assetId": asset_id,
                "pairedAt": paired_at,
                "pairedBy": paired_by,
                "pairedVia": paired_via,
                "unpairedAt": unpaired_at,
                "unpairedBy": unpaired_by,
                "unpairedVia": unpaired_via,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        organization_id = UUID(d.pop("organizationId"))

        unit_id = d.pop("unitId")

        asset_id = UUID(d.pop("assetId"))

        paired_at = datetime.datetime.fromisoformat(d.pop("pairedAt"))

        paired_by = d.pop("pairedBy")

        paired_via = d.pop("pairedVia")

        def _parse_unpaired_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                unpaired_at_type_0 = datetime.datetime.fromisoformat(data)

                return unpaired_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        unpaired_at = _parse_unpaired_at(d.pop("unpairedAt"))

        def _parse_unpaired_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unpaired_by = _parse_unpaired_by(d.pop("unpairedBy"))

        def _parse_unpaired_via(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unpaired_via = _parse_unpaired_via(d.pop("unpairedVia"))

        pairing_history_out = cls(
            organization_id=organization_id,
            unit_id=unit_id,
            asset_id=asset_id,
            paired_at=paired_at,
            paired_by=paired_by,
            paired_via=paired_via,
            unpaired_at=unpaired_at,
            unpaired_by=unpaired_by,
            unpaired_via=unpaired_via,
        )

        pairing_history_out.additional_properties = d
        return pairing_history_out

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
