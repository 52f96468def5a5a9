"""A unit's transition as one value to persist: the record before and after, its events and diagnoses.

Every use case that changes units (auto pairing, reminders, re-matches, manual pairing and
unpairing) hands a list of these to the unit of work's `apply`, which writes them in bulk: the
changed units, the pairing history they open or close, the events and the diagnoses.
"""

from __future__ import annotations

from dataclasses import dataclass

from pairhub.domain.audit import SYSTEM, AuditAction, AuditEntry
from pairhub.domain.diagnosis import Diagnosis
from pairhub.domain.events import SUCCESS_REASONS, EventType, PairingEvent
from pairhub.domain.pairings import MANUAL_UNPAIR
from pairhub.domain.units import Unit

AUTO_VIA = "auto"
"""The channel of pairings that auto pairing makes (`pairedVia`)."""


@dataclass(frozen=True)
class Transition:
    """One change of one unit: `before` as this transaction read it, `after` as it is to be written."""

    before: Unit
    after: Unit
    events: tuple[PairingEvent, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    via: str = AUTO_VIA
    """The channel that caused it (`api`, `ui`, `auto`), written to the history it opens or closes."""

    @property
    def opens(self) -> bool:
        """True when the unit becomes paired with an asset: its history entry starts."""
        return self.after.asset_id is not None and self.after.asset_id != self.before.asset_id

    @property
    def closes(self) -> bool:
        """True when the unit leaves its asset: its open history entry ends."""
        return self.before.asset_id is not None and self.after.asset_id != self.before.asset_id

    @property
    def paired_by(self) -> str:
        """Who paired (`pairedBy`): the reason of the pairing event."""
        for event in self.events:
            if event.event_type is EventType.PAIRED and event.reason in SUCCESS_REASONS:
                return str(event.reason)
        raise ValueError(f"unit {self.after.id} is paired without a pairing event")

    @property
    def unpaired_at(self) -> int:
        """When the pairing ended: the time of the unpairing event."""
        for event in self.events:
            if event.event_type is EventType.UNPAIRED:
                return event.registered_at_ms
        raise ValueError(f"unit {self.before.id} is unpaired without an unpairing event")

    unpaired_by = MANUAL_UNPAIR
    """Who ends a pairing: only a person unpairs (`unpairedBy`)."""

    def system_audit(self) -> AuditEntry | None:
        """The audit entry of a pairing auto pairing made (by the system); None for any other change.

        Manual pairings are recorded by their use case with the person or key that made them.
        """
        if self.via != AUTO_VIA or not self.opens:
            return None
        return AuditEntry(
            organization_id=self.after.organization_id,
            at=self.after.paired_at or self.after.created_at,
            actor=SYSTEM,
            action=AuditAction.PAIRING_CREATED,
            target_type="unit",
            target_id=self.after.id,
            changes={"assetId": (self.before.asset_id, self.after.asset_id)},
        )
