from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.actor_out import ActorOut
    from ..models.audit_entry_out_changes import AuditEntryOutChanges
    from ..models.target_out import TargetOut


T = TypeVar("T", bound="AuditEntryOut")


@_attrs_define
class AuditEntryOut:
    """One change.

    Attributes:
        id (str):
        time (str):
        actor (ActorOut): Who made the change.
        action (str):
        target (TargetOut): What was changed.
        changes (AuditEntryOutChanges): Each changed field: `[before, after]`. Never a secret.
    """

    id: str
    time: str
    actor: ActorOut
    action: str
    target: TargetOut
    changes: AuditEntryOutChanges
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        time = self.time

        actor = self.actor.to_dict()

        action = self.action

        target = self.target.to_dict()

        changes = self.changes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "time": time,
                "actor": actor,
                "action": action,
                "target": target,
                "changes": changes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.actor_out import ActorOut
        from ..models.audit_entry_out_changes import AuditEntryOutChanges
        from ..models.target_out import TargetOut

        d = dict(src_dict)
        id = d.pop("id")

        time = d.pop("time")

        actor = ActorOut.from_dict(d.pop("actor"))

        action = d.pop("action")

        target = TargetOut.from_dict(d.pop("target"))

        changes = AuditEntryOutChanges.from_dict(d.pop("changes"))

        audit_entry_out = cls(
            id=id,
            time=time,
            actor=actor,
            action=action,
            target=target,
            changes=changes,
        )

        audit_entry_out.additional_properties = d
        return audit_entry_out

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
