from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.problem_code import ProblemCode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.problem_errors_item import ProblemErrorsItem


T = TypeVar("T", bound="BeyondRetentionProblem")


@_attrs_define
class BeyondRetentionProblem:
    """410 `beyond_retention`: the problem document with the cursor to read on from.

    Attributes:
        type_ (str):
        title (str):
        status (int):
        detail (str):
        code (ProblemCode):
        oldest_cursor (None | str): Pass it as `after`: the page starts at the oldest entry still held.
        asset_id (UUID | Unset): `unit_already_paired`: the current asset.
        unit_id (str | Unset): The unit a refusal is about.
        vin (str | Unset): The VIN a refusal is about (`duplicate_vin`, `invalid_vin`).
        event_name (str | Unset): `event_not_offered`: the event name refused.
        header (str | Unset): `reserved_header`, `invalid_signature_header`: the name.
        parameters (list[str] | Unset): `unknown_parameter`: the query parameters the operation does not take.
        errors (list[ProblemErrorsItem] | Unset): `validation_error`, `unknown_field`: one entry per refused value, at
            most 20.
        more_errors (int | Unset): `validation_error`, `unknown_field`: refused values beyond the 20 listed.
    """

    type_: str
    title: str
    status: int
    detail: str
    code: ProblemCode
    oldest_cursor: None | str
    asset_id: UUID | Unset = UNSET
    unit_id: str | Unset = UNSET
    vin: str | Unset = UNSET
    event_name: str | Unset = UNSET
    header: str | Unset = UNSET
    parameters: list[str] | Unset = UNSET
    errors: list[ProblemErrorsItem] | Unset = UNSET
    more_errors: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        title = self.title

        status = self.status

        detail = self.detail

        code = self.code.value

        oldest_cursor: None | str
        oldest_cursor = self.oldest_cursor

        asset_id: str | Unset = UNSET
        if not isinstance(self.asset_id, Unset):
            asset_id = str(self.asset_id)

        unit_id = self.unit_id

        vin = self.vin

        event_name = self.event_name

        header = self.header

        parameters: list[str] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        more_errors = self.more_errors

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "title": title,
                "status": status,
                "detail": detail,
                "code": code,
                "oldestCursor": oldest_cursor,
            }
        )
        if asset_id is not UNSET:
            field_dict["assetId"] = asset_id
        if unit_id is not UNSET:
            field_dict["unitId"] = unit_id
        if vin is not UNSET:
            field_dict["vin"] = vin
        if event_name is not UNSET:
            field_dict["eventName"] = event_name
        if header is not UNSET:
            field_dict["header"] = header
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if errors is not UNSET:
            field_dict["errors"] = errors
        if more_errors is not UNSET:
            field_dict["moreErrors"] = more_errors

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.problem_errors_item import ProblemErrorsItem

        d = dict(src_dict)
        type_ = d.pop("type")

        title = d.pop("title")

        status = d.pop("status")

        detail = d.pop("detail")

        code = ProblemCode(d.pop("code"))

        def _parse_oldest_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        oldest_cursor = _parse_oldest_cursor(d.pop("oldestCursor"))

        _asset_id = d.pop("assetId", UNSET)
        asset_id: UUID | Unset
        if isinstance(_asset_id, Unset):
            asset_id = UNSET
        else:
            asset_id = UUID(_asset_id)

        unit_id = d.pop("unitId", UNSET)

        vin = d.pop("vin", UNSET)

        event_name = d.pop("eventName", UNSET)

        header = d.pop("header", UNSET)

        parameters = cast(list[str], d.pop("parameters", UNSET))

        _errors = d.pop("errors", UNSET)
        errors: list[ProblemErrorsItem] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = ProblemErrorsItem.from_dict(errors_item_data)

                errors.append(errors_item)

        more_errors = d.pop("moreErrors", UNSET)

        beyond_retention_problem = cls(
            type_=type_,
            title=title,
            status=status,
            detail=detail,
            code=code,
            oldest_cursor=oldest_cursor,
            asset_id=asset_id,
            unit_id=unit_id,
            vin=vin,
            event_name=event_name,
            header=header,
            parameters=parameters,
            errors=errors,
            more_errors=more_errors,
        )

        beyond_retention_problem.additional_properties = d
        return beyond_retention_problem

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
