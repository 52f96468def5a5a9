"""The use cases wired on the in-memory storage: handler tests that run in milliseconds, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.adapters.http.ssrf import TargetGuard, static_resolver
from pairhub.adapters.memory.uow import MemoryStorage
from pairhub.adapters.secret_box import SecretBox
from pairhub.bootstrap import Container
from pairhub.domain.events import EventType, Location, PairingEvent
from pairhub.domain.reminders import AutoPairingPolicy
from pairhub.domain.units import Unit
from pairhub.domain.vin import ReportedVin
from pairhub.ports import EventQuery, SendResult
from pairhub.services.ingest import IngestResult, UnitMessage
from pairhub.services.pagination import Cursors
from tests.conftest import SECRET_KEY, make_settings

HOUR = 3600
POLICY_SECONDS = (HOUR, 48 * HOUR, 60)
"""Reminder interval, reminder window and Unknown retry of these tests."""
POLICY = AutoPairingPolicy.from_seconds(*POLICY_SECONDS)
CURSORS = Cursors(SecretBox.from_setting(SECRET_KEY))
NO_VIN: Any = object()
"""Marks a message without a `vin` key (a position report)."""


class RefusingSender:
    """A sender for use cases that must not send (these handler tests deliver nothing)."""

    async def send(self, url: str, body: bytes, headers: Mapping[str, str], **_: Any) -> SendResult:
        """Fail the test: nothing here delivers."""
        raise AssertionError(f"unexpected delivery to {url}")

    async def close(self) -> None:
        """Nothing to release."""


def wired(clock: ManualClock, storage: MemoryStorage | None = None) -> Container:
    """The application's use cases wired on the in-memory storage, as `bootstrap.build` wires SQL."""
    settings = make_settings(
        "sqlite://",
        reminder_interval=POLICY_SECONDS[0],
        reminder_window=POLICY_SECONDS[1],
        unknown_retry_after=POLICY_SECONDS[2],
    )
    guard = TargetGuard(static_resolver({}), allow_private=True, allow_insecure=True)
    return bootstrap.wire(storage or MemoryStorage(), clock, RefusingSender, guard, settings=settings)


@dataclass
class Hub:
    """The use cases of units, assets, pairing, auto pairing and ingest over one in-memory storage."""

    clock: ManualClock = field(default_factory=ManualClock)
    storage: MemoryStorage = field(default_factory=MemoryStorage)

    def __post_init__(self) -> None:
        self.container = wired(self.clock, self.storage)
        self.auto_pairing = self.container.auto_pairing
        self.ingest = self.container.ingest
        self.organizations = self.container.organizations
        self.assets = self.container.assets
        self.units = self.container.units
        self.pairing = self.container.pairing

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
