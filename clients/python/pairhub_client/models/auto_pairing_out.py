from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.auto_pairing_out_state import AutoPairingOutState

T = TypeVar("T", bound="AutoPairingOut")


@_attrs_define
class AutoPairingOut:
    """Where the unit stands in auto pairing.

    Attributes:
        state (AutoPairingOutState):
        sensor_vin (None | str):
        candidate_asset_ids (list[str]):
        first_failed_at (datetime.datetime | None):
        reminders_sent (int):
        next_reminder_at (datetime.datetime | None):
    """

    state: AutoPairingOutState
    sensor_vin: None | str
    candidate_asset_ids: list[str]
    first_failed_at: datetime.datetime | None
    reminders_sent: int
    next_reminder_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        state = self.state.value

        sensor_vin: None | str
        sensor_vin = self.sensor_vin

        candidate_asset_ids = self.candidate_asset_ids

        first_failed_at: None | str
        if isinstance(self.first_failed_at, datetime.datetime):
            first_failed_at = self.first_failed_at.isoformat()
        else:
            first_failed_at = self.first_failed_at

        reminders_sent = self.reminders_sent

        next_reminder_at: None | str
        if isinstance(self.next_reminder_at, datetime.datetime):
            next_reminder_at = self.next_reminder_at.isoformat()
        else:
            next_reminder_at = self.next_reminder_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "state": state,
                "sensorVIN": sensor_vin,
                "candidateAssetIds": candidate_asset_ids,
                "firstFailedAt": first_failed_at,
                "remindersSent": reminders_sent,
                "nextReminderAt": next_reminder_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        state = AutoPairingOutState(d.pop("state"))

        def _parse_sensor_vin(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sensor_vin = _parse_sensor_vin(d.pop("sensorVIN"))

        candidate_asset_ids = cast(list[str], d.pop("candidateAssetIds"))

        def _parse_first_failed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_failed_at_type_0 = datetime.datetime.fromisoformat(data)

                return first_failed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        first_failed_at = _parse_first_failed_at(d.pop("firstFailedAt"))

        reminders_sent = d.pop("remindersSent")

        def _parse_next_reminder_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_reminder_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_reminder_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_reminder_at = _parse_next_reminder_at(d.pop("nextReminderAt"))

        auto_pairing_out = cls(
            state=state,
            sensor_vin=sensor_vin,
            candidate_asset_ids=candidate_asset_ids,
            first_failed_at=first_failed_at,
            reminders_sent=reminders_sent,
            next_reminder_at=next_reminder_at,
        )

        auto_pairing_out.additional_properties = d
        return auto_pairing_out

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
