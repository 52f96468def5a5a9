"""The use cases wired on the in-memory storage: handler tests that run in milliseconds, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.memory.uow import MemoryStorage
from pairhub.adapters.secret_box import SecretBox
from pairhub.domain.events import EventType, Location, PairingEvent
from pairhub.domain.reminders import AutoPairingPolicy
from pairhub.domain.units import Unit
from pairhub.domain.vin import ReportedVin
from pairhub.ports import EventQuery
from pairhub.services.assets import Assets
from pairhub.services.auto_pairing import AutoPairing
from pairhub.services.ingest import Ingest, IngestResult, UnitMessage
from pairhub.services.organizations import Organizations
from pairhub.services.pagination import Cursors
from pairhub.services.pairing import Pairing
from pairhub.services.units import Units
from tests.conftest import SECRET_KEY

HOUR = 3600
POLICY = AutoPairingPolicy.from_seconds(
    reminder_interval=HOUR, reminder_window=48 * HOUR, unknown_retry_after=60
)
CURSORS = Cursors(SecretBox.from_setting(SECRET_KEY))
NO_VIN: Any = object()
"""Marks a message without a `vin` key (a position report)."""


@dataclass
class Hub:
    """The use cases of units, assets, pairing, auto pairing and ingest over one in-memory storage."""

    clock: ManualClock = field(default_factory=ManualClock)
    storage: MemoryStorage = field(default_factory=MemoryStorage)

    def __post_init__(self) -> None:
        self.auto_pairing = AutoPairing(self.storage, self.clock, POLICY)
        self.ingest = Ingest(self.storage, self.clock, self.auto_pairing)
        self.organizations = Organizations(
            self.storage, self.clock, CURSORS, on_auto_pairing_switch=self.auto_pairing.switch_organization
        )
        self.assets = Assets(
            self.storage, self.clock, CURSORS, on_vin_change=self.auto_pairing.rematch_organization
        )
        self.units = Units(self.storage, self.clock, CURSORS)
        self.pairing = Pairing(self.storage, self.clock, CURSORS)

    def org(self, auto_pairing: bool = True) -> str:
        """A new organization's id."""
        return self.organizations.create("Acme Trailers", auto_pairing, True).id

    def asset(self, org_id: str, vin: str | None, name: str | None = None) -> str:
        """A new asset's id."""
        return self.assets.create(org_id, vin, name).asset.id

    def send(self, unit_id: str, vin: str | None = NO_VIN, location: Location | None = None) -> IngestResult:
        """One message of a unit, through the ingest use case."""
        reported = None if vin is NO_VIN else ReportedVin.of(vin)
        return self.ingest.accept([UnitMessage(0, unit_id, vin=reported, location=location)])

    def unit(self, org_id: str, unit_id: str) -> Unit:
        """The unit as stored."""
        return self.units.get(org_id, unit_id)

    def events(self, org_id: str) -> list[PairingEvent]:
        """Every event of the organization, oldest first."""
        query = EventQuery(org_id, [EventType.PAIRED.value, EventType.UNPAIRED.value], limit=10_000)
        with self.storage.read() as uow:
            return [stored.event for stored in uow.events.read(query)]

    def reasons(self, org_id: str) -> list[str]:
        """The reasons of the organization's events, oldest first."""
        return [str(event.reason) for event in self.events(org_id)]

    def remind_for(self, hours: float, step_minutes: int = 10) -> None:
        """Let `hours` pass, waking the reminder runner every `step_minutes`."""
        for _ in range(round(hours * 60 / step_minutes)):
            self.clock.advance(step_minutes * 60)
            self.auto_pairing.run_due_reminders(self.clock.now_ms())


@pytest.fixture
def hub() -> Hub:
    """Fresh use cases on an empty in-memory storage."""
    return Hub()
