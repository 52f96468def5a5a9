from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.v2_unit_paired_event_event_type import V2UnitPairedEventEventType
from ..models.v2_unit_paired_event_event_version import V2UnitPairedEventEventVersion

if TYPE_CHECKING:
    from ..models.unit_paired_auto_pair_event_data_v2 import (
        UnitPairedAutoPairEventDataV2,
    )
    from ..models.unit_paired_invalid_data_event_data_v2 import (
        UnitPairedInvalidDataEventDataV2,
    )
    from ..models.unit_paired_manual_pair_event_data_v2 import (
        UnitPairedManualPairEventDataV2,
    )
    from ..models.unit_paired_multiple_match_found_event_data_v2 import (
        UnitPairedMultipleMatchFoundEventDataV2,
    )
    from ..models.unit_paired_not_found_event_data_v2 import (
        UnitPairedNotFoundEventDataV2,
    )
    from ..models.unit_paired_unknown_event_data_v2 import UnitPairedUnknownEventDataV2


T = TypeVar("T", bound="V2UnitPairedEvent")


@_attrs_define
class V2UnitPairedEvent:
    """
    Attributes:
        event_type (V2UnitPairedEventEventType):
        event_version (V2UnitPairedEventEventVersion):
        event_data (UnitPairedAutoPairEventDataV2 | UnitPairedInvalidDataEventDataV2 | UnitPairedManualPairEventDataV2 |
            UnitPairedMultipleMatchFoundEventDataV2 | UnitPairedNotFoundEventDataV2 | UnitPairedUnknownEventDataV2):
    """

    event_type: V2UnitPairedEventEventType
    event_version: V2UnitPairedEventEventVersion
    event_data: (
        UnitPairedAutoPairEventDataV2
        | UnitPairedInvalidDataEventDataV2
        | UnitPairedManualPairEventDataV2
        | UnitPairedMultipleMatchFoundEventDataV2
        | UnitPairedNotFoundEventDataV2
        | UnitPairedUnknownEventDataV2
    )

    def to_dict(self) -> dict[str, Any]:
        from ..models.unit_paired_auto_pair_event_data_v2 import (
            UnitPairedAutoPairEventDataV2,
        )
        from ..models.unit_paired_invalid_data_event_data_v2 import (
            UnitPairedInvalidDataEventDataV2,
        )
        from ..models.unit_paired_manual_pair_event_data_v2 import (
            UnitPairedManualPairEventDataV2,
        )
        from ..models.unit_paired_multiple_match_found_event_data_v2 import (
            UnitPairedMultipleMatchFoundEventDataV2,
        )
        from ..models.unit_paired_not_found_event_data_v2 import (
            UnitPairedNotFoundEventDataV2,
        )

        event_type = self.event_type.value

        event_version = self.event_version.value

        event_data: dict[str, Any]
        if (
            isinstance(self.event_data, UnitPairedManualPairEventDataV2)
            or isinstance(self.event_data, UnitPairedAutoPairEventDataV2)
            or isinstance(self.event_data, UnitPairedInvalidDataEventDataV2)
            or isinstance(self.event_data, UnitPairedNotFoundEventDataV2)
            or isinstance(self.event_data, UnitPairedMultipleMatchFoundEventDataV2)
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
        from ..models.unit_paired_auto_pair_event_data_v2 import (
            UnitPairedAutoPairEventDataV2,
        )
        from ..models.unit_paired_invalid_data_event_data_v2 import (
            UnitPairedInvalidDataEventDataV2,
        )
        from ..models.unit_paired_manual_pair_event_data_v2 import (
            UnitPairedManualPairEventDataV2,
        )
        from ..models.unit_paired_multiple_match_found_event_data_v2 import (
            UnitPairedMultipleMatchFoundEventDataV2,
        )
        from ..models.unit_paired_not_found_event_data_v2 import (
            UnitPairedNotFoundEventDataV2,
        )
        from ..models.unit_paired_unknown_event_data_v2 import (
            UnitPairedUnknownEventDataV2,
        )

        d = dict(src_dict)
        event_type = V2UnitPairedEventEventType(d.pop("eventType"))

        event_version = V2UnitPairedEventEventVersion(d.pop("eventVersion"))

        def _parse_event_data(
            data: object,
        ) -> (
            UnitPairedAutoPairEventDataV2
            | UnitPairedInvalidDataEventDataV2
            | UnitPairedManualPairEventDataV2
            | UnitPairedMultipleMatchFoundEventDataV2
            | UnitPairedNotFoundEventDataV2
            | UnitPairedUnknownEventDataV2
        ):
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_v2_unit_paired_type_0 = (
                    UnitPairedManualPairEventDataV2.from_dict(data)
                )

                return componentsschemas_v2_unit_paired_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_v2_unit_paired_type_1 = (
                    UnitPairedAutoPairEventDataV2.from_dict(data)
                )

                return componentsschemas_v2_unit_paired_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_v2_unit_paired_type_2 = (
                    UnitPairedInvalidDataEventDataV2.from_dict(data)
                )

                return componentsschemas_v2_unit_paired_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_v2_unit_paired_type_3 = (
                    UnitPairedNotFoundEventDataV2.from_dict(data)
                )

                return componentsschemas_v2_unit_paired_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_v2_unit_paired_type_4 = (
                    UnitPairedMultipleMatchFoundEventDataV2.from_dict(data)
                )

                return componentsschemas_v2_unit_paired_type_4
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_v2_unit_paired_type_5 = (
                UnitPairedUnknownEventDataV2.from_dict(data)
            )

            return componentsschemas_v2_unit_paired_type_5

        event_data = _parse_event_data(d.pop("eventData"))

        v2_unit_paired_event = cls(
            event_type=event_type,
            event_version=event_version,
            event_data=event_data,
        )

        return v2_unit_paired_event
