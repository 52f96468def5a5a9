from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.v1_unit_paired_event_event_type import V1UnitPairedEventEventType
from ..models.v1_unit_paired_event_event_version import V1UnitPairedEventEventVersion

if TYPE_CHECKING:
    from ..models.unit_paired_auto_pair_event_data_v1 import (
        UnitPairedAutoPairEventDataV1,
    )
    from ..models.unit_paired_invalid_data_event_data_v1 import (
        UnitPairedInvalidDataEventDataV1,
    )
    from ..models.unit_paired_manual_pair_event_data_v1 import (
        UnitPairedManualPairEventDataV1,
    )
    from ..models.unit_paired_multiple_match_found_event_data_v1 import (
        UnitPairedMultipleMatchFoundEventDataV1,
    )
    from ..models.unit_paired_not_found_event_data_v1 import (
        UnitPairedNotFoundEventDataV1,
    )
    from ..models.unit_paired_unknown_event_data_v1 import UnitPairedUnknownEventDataV1


T = TypeVar("T", bound="V1UnitPairedEvent")


@_attrs_define
class V1UnitPairedEvent:
    """
    Attributes:
        event_type (V1UnitPairedEventEventType):
        event_version (V1UnitPairedEventEventVersion):
        event_data (UnitPairedAutoPairEventDataV1 | UnitPairedInvalidDataEventDataV1 | UnitPairedManualPairEventDataV1 |
            UnitPairedMultipleMatchFoundEventDataV1 | UnitPairedNotFoundEventDataV1 | UnitPairedUnknownEventDataV1):
    """

    event_type: V1UnitPairedEventEventType
    event_version: V1UnitPairedEventEventVersion
    event_data: (
        UnitPairedAutoPairEventDataV1
        | UnitPairedInvalidDataEventDataV1
        | UnitPairedManualPairEventDataV1
        | UnitPairedMultipleMatchFoundEventDataV1
        | UnitPairedNotFoundEventDataV1
        | UnitPairedUnknownEventDataV1
    )

    def to_dict(self) -> dict[str, Any]:
        from ..models.unit_paired_auto_pair_event_data_v1 import (
            UnitPairedAutoPairEventDataV1,
        )
        from ..models.unit_paired_invalid_data_event_data_v1 import (
            UnitPairedInvalidDataEventDataV1,
        )
        from ..models.unit_paired_manual_pair_event_data_v1 import (
            UnitPairedManualPairEventDataV1,
        )
        from ..models.unit_paired_multiple_match_found_event_data_v1 import (
            UnitPairedMultipleMatchFoundEventDataV1,
        )
        from ..models.unit_paired_not_found_event_data_v1 import (
            UnitPairedNotFoundEventDataV1,
        )

        event_type = self.event_type.value

        event_version = self.event_version.value

        event_data: dict[str, Any]
        if (
            isinstance(self.event_data, UnitPairedManualPairEventDataV1)
            or isinstance(self.event_data, UnitPairedAutoPairEventDataV1)
            or isinstance(self.event_data, UnitPairedInvalidDataEventDataV1)
            or isinstance(self.event_data, UnitPairedNotFoundEventDataV1)
            or isinstance(self.event_data, UnitPairedMultipleMatchFoundEventDataV1)
        ):
            event_data = self.event_data.to_dict()
        else:
            event_data = self.event_data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "eventType": event_type,
                "eventVersion": event_version,
                "eventData": event_data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.unit_paired_auto_pair_event_data_v1 import (
            UnitPairedAutoPairEventDataV1,
        )
        from ..models.unit_paired_invalid_data_event_data_v1 import (
            UnitPairedInvalidDataEventDataV1,
        )
        from ..models.unit_paired_manual_pair_event_data_v1 import (
            UnitPairedManualPairEventDataV1,
        )
        from ..models.unit_paired_multiple_match_found_event_data_v1 import (
            UnitPairedMultipleMatchFoundEventDataV1,
        )
        from ..models.unit_paired_not_found_event_data_v1 import (
            UnitPairedNotFoundEventDataV1,
        )
        from ..models.unit_paired_unknown_event_data_v1 import (
            UnitPairedUnknownEventDataV1,
        )

        d = dict(src_dict)
        event_type = V1UnitPairedEventEventType(d.pop("eventType"))

        event_version = V1UnitPairedEventEventVersion(d.pop("eventVersion"))

        def _parse_event_data(
            data: object,
        ) -> (
            UnitPairedAutoPairEventDataV1
            | UnitPairedInvalidDataEventDataV1
            | UnitPairedManualPairEventDataV1
            | UnitPairedMultipleMatchFoundEventDataV1
            | UnitPairedNotFoundEventDataV1
            | UnitPairedUnknownEventDataV1
        ):
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_v1_unit_paired_type_0 = (
                    UnitPairedManualPairEventDataV1.from_dict(data)
                )

                return componentsschemas_v1_unit_paired_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_v1_unit_paired_type_1 = (
                    UnitPairedAutoPairEventDataV1.from_dict(data)
                )

                return componentsschemas_v1_unit_paired_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_v1_unit_paired_type_2 = (
                    UnitPairedInvalidDataEventDataV1.from_dict(data)
                )

                return componentsschemas_v1_unit_paired_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_v1_unit_paired_type_3 = (
                    UnitPairedNotFoundEventDataV1.from_dict(data)
                )

                return componentsschemas_v1_unit_paired_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_v1_unit_paired_type_4 = (
                    UnitPairedMultipleMatchFoundEventDataV1.from_dict(data)
                )

                return componentsschemas_v1_unit_paired_type_4
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_v1_unit_paired_type_5 = (
                UnitPairedUnknownEventDataV1.from_dict(data)
            )

            return componentsschemas_v1_unit_paired_type_5

        event_data = _parse_event_data(d.pop("eventData"))

        v1_unit_paired_event = cls(
            event_type=event_type,
            event_version=event_version,
            event_data=event_data,
        )

        return v1_unit_paired_event
