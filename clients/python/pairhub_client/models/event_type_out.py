from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.event_type_out_example import EventTypeOutExample
    from ..models.event_type_out_examples import EventTypeOutExamples
    from ..models.event_type_out_schema import EventTypeOutSchema


T = TypeVar("T", bound="EventTypeOut")


@_attrs_define
class EventTypeOut:
    """One event type in one payload version, as webhooks and the feeds carry it.

    Attributes:
        event_type (str):
        event_version (int):
        description (str):
        schema (EventTypeOutSchema): JSON Schema (draft 2020-12) of `eventData`.
        example (EventTypeOutExample): One `eventsData` element.
        examples (EventTypeOutExamples): An `eventsData` element per outcome (the `reason`, or `unpaired`).
    """

    event_type: str
    event_version: int
    description: str
    schema: EventTypeOutSchema
    example: EventTypeOutExample
    examples: EventTypeOutExamples
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_type = self.event_type

        event_version = self.event_version

        description = self.description

        schema = self.schema.to_dict()

        example = self.example.to_dict()

        examples = self.examples.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "eventType": event_type,
                "eventVersion": event_version,
                "description": description,
                "schema": schema,
                "example": example,
                "examples": examples,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.event_type_out_example import EventTypeOutExample
        from ..models.event_type_out_examples import EventTypeOutExamples
        from ..models.event_type_out_schema import EventTypeOutSchema

        d = dict(src_dict)
        event_type = d.pop("eventType")

        event_version = d.pop("eventVersion")

        description = d.pop("description")

        schema = EventTypeOutSchema.from_dict(d.pop("schema"))

        example = EventTypeOutExample.from_dict(d.pop("example"))

        examples = EventTypeOutExamples.from_dict(d.pop("examples"))

        event_type_out = cls(
            event_type=event_type,
            event_version=event_version,
            description=description,
            schema=schema,
            example=example,
            examples=examples,
        )

        event_type_out.additional_properties = d
        return event_type_out

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
