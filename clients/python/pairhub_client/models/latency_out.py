from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LatencyOut")


@_attrs_define
class LatencyOut:
    """Attempt durations over the 24 hours, nearest-rank percentiles (null without attempts).

    Attributes:
        attempts (int):
        p50 (int | None):
        p95 (int | None):
    """

    attempts: int
    p50: int | None
    p95: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        p50: int | None
        p50 = self.p50

        p95: int | None
        p95 = self.p95

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempts": attempts,
                "p50": p50,
                "p95": p95,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        attempts = d.pop("attempts")

        def _parse_p50(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        p50 = _parse_p50(d.pop("p50"))

        def _parse_p95(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        p95 = _parse_p95(d.pop("p95"))

        latency_out = cls(
            attempts=attempts,
            p50=p50,
            p95=p95,
        )

        latency_out.additional_properties = d
        return latency_out

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
