from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.attempt_out_outcome import AttemptOutOutcome

T = TypeVar("T", bound="AttemptOut")


@_attrs_define
class AttemptOut:
    """One delivery attempt.

    Attributes:
        attempted_at (datetime.datetime):
        duration_ms (int):
        status_code (int | None):
        response_excerpt (None | str):
        error (None | str):
        outcome (AttemptOutOutcome):
        worker (str):
    """

    attempted_at: datetime.datetime
    duration_ms: int
    status_code: int | None
    response_excerpt: None | str
    error: None | str
    outcome: AttemptOutOutcome
    worker: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempted_at = self.attempted_at.isoformat()

        duration_ms = self.duration_ms

        status_code: int | None
        status_code = self.status_code

        response_excerpt: None | str
        response_excerpt = self.response_excerpt

        error: None | str
        error = self.error

        outcome = self.outcome.value

        worker = self.worker

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attemptedAt": attempted_at,
                "durationMs": duration_ms,
                "statusCode": status_code,
                "responseExcerpt": response_excerpt,
                "error": error,
                "outcome": outcome,
                "worker": worker,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        attempted_at = datetime.datetime.fromisoformat(d.pop("attemptedAt"))

        duration_ms = d.pop("durationMs")

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("statusCode"))

        def _parse_response_excerpt(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        response_excerpt = _parse_response_excerpt(d.pop("responseExcerpt"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        outcome = AttemptOutOutcome(d.pop("outcome"))

        worker = d.pop("worker")

        attempt_out = cls(
            attempted_at=attempted_at,
            duration_ms=duration_ms,
            status_code=status_code,
            response_excerpt=response_excerpt,
            error=error,
            outcome=outcome,
            worker=worker,
        )

        attempt_out.additional_properties = d
        return attempt_out

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
