from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TestDeliveryOut")


@_attrs_define
class TestDeliveryOut:
    """What the receiver answered to a sample batch.

    Attributes:
        event_batch_id (UUID):
        delivered (bool):
        status_code (int | None):
        latency_ms (int):
        response_excerpt (str):
        error (None | str):
    """

    event_batch_id: UUID
    delivered: bool
    status_code: int | None
    latency_ms: int
    response_excerpt: str
    error: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_batch_id = str(self.event_batch_id)

        delivered = self.delivered

        status_code: int | None
        status_code = self.status_code

        latency_ms = self.latency_ms

        response_excerpt = self.response_excerpt

        error: None | str
        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "eventBatchId": event_batch_id,
                "delivered": delivered,
                "statusCode": status_code,
                "latencyMs": latency_ms,
                "responseExcerpt": response_excerpt,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        event_batch_id = UUID(d.pop("eventBatchId"))

        delivered = d.pop("delivered")

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("statusCode"))

        latency_ms = d.pop("latencyMs")

        response_excerpt = d.pop("responseExcerpt")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        test_delivery_out = cls(
            event_batch_id=event_batch_id,
            delivered=delivered,
            status_code=status_code,
            latency_ms=latency_ms,
            response_excerpt=response_excerpt,
            error=error,
        )

        test_delivery_out.additional_properties = d
        return test_delivery_out

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
