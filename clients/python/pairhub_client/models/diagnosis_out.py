from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.diagnosis_out_outcome import DiagnosisOutOutcome
from ..models.diagnosis_out_rule import DiagnosisOutRule

if TYPE_CHECKING:
    from ..models.candidate_out import CandidateOut


T = TypeVar("T", bound="DiagnosisOut")


@_attrs_define
class DiagnosisOut:
    """Why one auto-pairing attempt ended as it did; kept beside the event, never inside its payload.

    Attributes:
        at (datetime.datetime):
        outcome (DiagnosisOutOutcome):
        rule (DiagnosisOutRule): The rule that decided: exact, P1, P2, none, invalid or error.
        asset_id (None | UUID): The asset paired with (AutoPair only).
        raw_vin (None | str): The VIN as reported (null when reported as null).
        normalized_vin (str):
        removed_by_normalization (list[str]): What normalization removed or changed.
        invalid_reason (None | str): InvalidData only: why the VIN cannot be matched.
        check_digit_valid (bool | None): The check-digit verdict of a 17-character sensor VIN (null when shorter).
        candidates (list[CandidateOut]):
    """

    at: datetime.datetime
    outcome: DiagnosisOutOutcome
    rule: DiagnosisOutRule
    asset_id: None | UUID
    raw_vin: None | str
    normalized_vin: str
    removed_by_normalization: list[str]
    invalid_reason: None | str
    check_digit_valid: bool | None
    candidates: list[CandidateOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        outcome = self.outcome.value

        rule = self.rule.value

        asset_id: None | str
        if isinstance(self.asset_id, UUID):
            asset_id = str(self.asset_id)
        else:
            asset_id = self.asset_id

        raw_vin: None | str
        raw_vin = self.raw_vin

        normalized_vin = self.normalized_vin

        removed_by_normalization = self.removed_by_normalization

        invalid_reason: None | str
        invalid_reason = self.invalid_reason

        check_digit_valid: bool | None
        check_digit_valid = self.check_digit_valid

        candidates = []
        for candidates_item_data in self.candidates:
            candidates_item = candidates_item_data.to_dict()
            candidates.append(candidates_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "outcome": outcome,
                "rule": rule,
                "assetId": asset_id,
                "rawVin": raw_vin,
                "normalizedVin": normalized_vin,
                "removedByNormalization": removed_by_normalization,
                "invalidReason": invalid_reason,
                "checkDigitValid": check_digit_valid,
                "candidates": candidates,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.candidate_out import CandidateOut

        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        outcome = DiagnosisOutOutcome(d.pop("outcome"))

        rule = DiagnosisOutRule(d.pop("rule"))

        def _parse_asset_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                asset_id_type_0 = UUID(data)

                return asset_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        asset_id = _parse_asset_id(d.pop("assetId"))

        def _parse_raw_vin(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        raw_vin = _parse_raw_vin(d.pop("rawVin"))

        normalized_vin = d.pop("normalizedVin")

        removed_by_normalization = cast(list[str], d.pop("removedByNormalization"))

        def _parse_invalid_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        invalid_reason = _parse_invalid_reason(d.pop("invalidReason"))

        def _parse_check_digit_valid(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        check_digit_valid = _parse_check_digit_valid(d.pop("checkDigitValid"))

        candidates = []
        _candidates = d.pop("candidates")
        for candidates_item_data in _candidates:
            candidates_item = CandidateOut.from_dict(candidates_item_data)

            candidates.append(candidates_item)

        diagnosis_out = cls(
            at=at,
            outcome=outcome,
            rule=rule,
            asset_id=asset_id,
            raw_vin=raw_vin,
            normalized_vin=normalized_vin,
            removed_by_normalization=removed_by_normalization,
            invalid_reason=invalid_reason,
            check_digit_valid=check_digit_valid,
            candidates=candidates,
        )

        diagnosis_out.additional_properties = d
        return diagnosis_out

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
