from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.candidate_out_rule import CandidateOutRule

T = TypeVar("T", bound="CandidateOut")


@_attrs_define
class CandidateOut:
    """An asset the attempt considered.

    Attributes:
        asset_id (UUID):
        asset_vin (None | str):
        rule (CandidateOutRule): How the asset relates to the sensor VIN.
        differing_position (int | None): P2 only: the 1-based position (1-11) where the sensor VIN differs from the
            asset's.
    """

    asset_id: UUID
    asset_vin: None | str
    rule: CandidateOutRule
    differing_position: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        asset_id = str(self.asset_id)

        asset_vin: None | str
        asset_vin = self.asset_vin

        rule = self.rule.value

        differing_position: int | None
        differing_position = self.differing_position

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assetId": asset_id,
                "assetVin": asset_vin,
                "rule": rule,
                "differingPosition": differing_position,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        asset_id = UUID(d.pop("assetId"))

        def _parse_asset_vin(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        asset_vin = _parse_asset_vin(d.pop("assetVin"))

        rule = CandidateOutRule(d.pop("rule"))

        def _parse_differing_position(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        differing_position = _parse_differing_position(d.pop("differingPosition"))

        candidate_out = cls(
            asset_id=asset_id,
            asset_vin=asset_vin,
            rule=rule,
            differing_position=differing_position,
        )

        candidate_out.additional_properties = d
        return candidate_out

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
