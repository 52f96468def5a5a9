from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.mqtt_out import MqttOut
    from ..models.subscription_health_out import SubscriptionHealthOut
    from ..models.unit_counts_out import UnitCountsOut
    from ..models.waiting_out import WaitingOut


T = TypeVar("T", bound="OverviewOut")


@_attrs_define
class OverviewOut:
    """The fleet at a glance: units by state, waiting units, and each subscription's delivery health.

    Attributes:
        generated_at (datetime.datetime):
        units (UnitCountsOut): How many units stand where.
        waiting (WaitingOut): Units waiting in auto pairing, per outcome.
        datahub_subscription_active (bool):
        subscriptions (list[SubscriptionHealthOut]): The first 20 subscriptions by id.
        more_subscriptions (bool):
        mqtt (MqttOut | None): Null when MQTT is not configured.
    """

    generated_at: datetime.datetime
    units: UnitCountsOut
    waiting: WaitingOut
    datahub_subscription_active: bool
    subscriptions: list[SubscriptionHealthOut]
    more_subscriptions: bool
    mqtt: MqttOut | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.mqtt_out import MqttOut

        generated_at = self.generated_at.isoformat()

        units = self.units.to_dict()

        waiting = self.waiting.to_dict()

        datahub_subscription_active = self.datahub_subscription_active

        subscriptions = []
        for subscriptions_item_data in self.subscriptions:
            subscriptions_item = subscriptions_item_data.to_dict()
            subscriptions.append(subscriptions_item)

        more_subscriptions = self.more_subscriptions

        mqtt: dict[str, Any] | None
        if isinstance(self.mqtt, MqttOut):
            mqtt = self.mqtt.to_dict()
        else:
            mqtt = self.mqtt

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "generatedAt": generated_at,
                "units": units,
                "waiting": waiting,
                "datahubSubscriptionActive": datahub_subscription_active,
                "subscriptions": subscriptions,
                "moreSubscriptions": more_subscriptions,
                "mqtt": mqtt,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.mqtt_out import MqttOut
        from ..models.subscription_health_out import SubscriptionHealthOut
        from ..models.unit_counts_out import UnitCountsOut
        from ..models.waiting_out import WaitingOut

        d = dict(src_dict)
        generated_at = datetime.datetime.fromisoformat(d.pop("generatedAt"))

        units = UnitCountsOut.from_dict(d.pop("units"))

        waiting = WaitingOut.from_dict(d.pop("waiting"))

        datahub_subscription_active = d.pop("datahubSubscriptionActive")

        subscriptions = []
        _subscriptions = d.pop("subscriptions")
        for subscriptions_item_data in _subscriptions:
            subscriptions_item = SubscriptionHealthOut.from_dict(
                subscriptions_item_data
            )

            subscriptions.append(subscriptions_item)

        more_subscriptions = d.pop("moreSubscriptions")

        def _parse_mqtt(data: object) -> MqttOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mqtt_type_0 = MqttOut.from_dict(data)

                return mqtt_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MqttOut | None, data)

        mqtt = _parse_mqtt(d.pop("mqtt"))

        overview_out = cls(
            generated_at=generated_at,
            units=units,
            waiting=waiting,
            datahub_subscription_active=datahub_subscription_active,
            subscriptions=subscriptions,
            more_subscriptions=more_subscriptions,
            mqtt=mqtt,
        )

        overview_out.additional_properties = d
        return overview_out

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
