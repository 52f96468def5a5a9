from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_out_status import BatchOutStatus

if TYPE_CHECKING:
    from ..models.attempt_out import AttemptOut


T = TypeVar("T", bound="BatchOut")


@_attrs_define
class BatchOut:
    """A batch of the delivery log with its latest attempts.

    Attributes:
        event_batch_id (UUID):
        subscription_id (UUID):
        status (BatchOutStatus):
        event_count (int):
        first_cursor (str):
        last_cursor (str):
        created_at (datetime.datetime):
        attempts (int):
        next_attempt_at (datetime.datetime | None):
        last_attempt_at (datetime.datetime | None):
        last_status_code (int | None):
        last_error (None | str):
        completed_at (datetime.datetime | None):
        recovery (int): 0 for a batch cut as events came; n for a batch of the subscription's n-th recovery.
        attempt_log (list[AttemptOut]):
    """

    event_batch_id: UUID
    subscription_id: UUID
    status: BatchOutStatus
    event_count: int
    first_cursor: str
    last_cursor: str
    created_at: datetime.datetime
    attempts: int
    next_attempt_at: datetime.datetime | None
    last_attempt_at: datetime.datetime | None
    last_status_code: int | None
    last_error: None | str
    completed_at: datetime.datetime | None
    recovery: int
    attempt_log: list[AttemptOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_batch_id = str(self.event_batch_id)

        subscription_id = str(self.subscription_id)

        status = self.status.value

        event_count = self.event_count

        first_cursor = self.first_cursor

        last_cursor = self.last_cursor

        created_at = self.created_at.isoformat()

        attempts = self.attempts

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        last_attempt_at: None | str
        if isinstance(self.last_attempt_at, datetime.datetime):
            last_attempt_at = self.last_attempt_at.isoformat()
        else:
            last_attempt_at = self.last_attempt_at

        last_status_code: int | None
        last_status_code = self.last_status_code

        last_error: None | str
        last_error = self.last_error

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        recovery = self.recovery

        attempt_log = []
        for attempt_log_item_data in self.attempt_log:
            attempt_log_item = attempt_log_item_data.to_dict()
            attempt_log.append(attempt_log_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "eventBatchId": event_batch_id,
                "subscriptionId": subscription_id,
                "status": status,
                "eventCount": event_count,
                "firstCursor": first_cursor,
                "lastCursor": last_cursor,
                "createdAt": created_at,
                "attempts": attempts,
                "nextAttemptAt": next_attempt_at,
                "lastAttemptAt": last_attempt_at,
                "lastStatusCode": last_status_code,
                "lastError": last_error,
                "completedAt": completed_at,
                "recovery": recovery,
                "attemptLog": attempt_log,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attempt_out import AttemptOut

        d = dict(src_dict)
        event_batch_id = UUID(d.pop("eventBatchId"))

        subscription_id = UUID(d.pop("subscriptionId"))

        status = BatchOutStatus(d.pop("status"))

        event_count = d.pop("eventCount")

        first_cursor = d.pop("firstCursor")

        last_cursor = d.pop("lastCursor")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        attempts = d.pop("attempts")

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("nextAttemptAt"))

        def _parse_last_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_attempt_at = _parse_last_attempt_at(d.pop("lastAttemptAt"))

        def _parse_last_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_status_code = _parse_last_status_code(d.pop("lastStatusCode"))

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("lastError"))

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completedAt"))

        recovery = d.pop("recovery")

        attempt_log = []
        _attempt_log = d.pop("attemptLog")
        for attempt_log_item_data in _attempt_log:
            attempt_log_item = AttemptOut.from_dict(attempt_log_item_data)

            attempt_log.append(attempt_log_item)

        batch_out = cls(
            event_batch_id=event_batch_id,
            subscription_id=subscription_id,
            status=status,
            event_count=event_count,
            first_cursor=first_cursor,
            last_cursor=last_cursor,
            created_at=created_at,
            attempts=attempts,
            next_attempt_at=next_attempt_at,
            last_attempt_at=last_attempt_at,
            last_status_code=last_status_code,
            last_error=last_error,
            completed_at=completed_at,
            recovery=recovery,
            attempt_log=attempt_log,
        )

        batch_out.additional_properties = d
        return batch_out

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
