"""The use cases wired on the in-memory storage: handler tests that run in milliseconds, no database."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
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
from pairhub.domain.subscriptions import Subscription
from pairhub.domain.units import Unit
from pairhub.domain.vin import ReportedVin
from pairhub.ports import EventQuery, Sender, SendResult
from pairhub.services.ingest import IngestResult, UnitMessage
from pairhub.services.pagination import Cursors
from tests.conftest import SECRET_KEY, make_settings

HOUR = 3600
POLICY_SECONDS = (HOUR, 48 * HOUR, 60)
"""Reminder interval, reminder window and Unknown retry of these tests."""
POLICY = AutoPairingPolicy.from_seconds(*POLICY_SECONDS)
CURSORS = Cursors(SecretBox.from_setting(SECRET_KEY))
HOOKS_HOST = "hooks.example.com"
"""The one webhook host the wired URL guard resolves (to a public address)."""
NO_VIN: Any = object()
"""Marks a message without a `vin` key (a position report)."""


class RefusingSender:
    """A sender for use cases that must not send (these handler tests deliver nothing)."""

    async def send(self, url: str, body: bytes, headers: Mapping[str, str], **_: Any) -> SendResult:
        """Fail the test: nothing here delivers."""
        raise AssertionError(f"unexpected delivery to {url}")

    async def close(self) -> None:
        """Nothing to release."""


class RecordingSender:
    """A webhook receiver in-process: keeps each request and answers what is scripted for its URL (as
    `tests/delivery_support.Receiver` does over HTTP), 200 otherwise."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self._script: dict[str, list[Scripted]] = {}
        self._always: dict[str, Scripted] = {}

    def script(self, url: str, *answers: Scripted) -> None:
        """Answer the next requests to `url` with these, in order."""
        self._script.setdefault(url, []).extend(answers)

    def always(self, url: str, answer: Scripted) -> None:
        """Answer every unscripted request to `url` with `answer`."""
        self._always[url] = answer

    async def send(
        self, url: str, body: bytes, headers: Mapping[str, str], *, whole_answer: int | None = None
    ) -> SendResult:
        """Keep the request and answer it."""
        self.sent.append(Sent(url, dict(headers), body))
        queued = self._script.get(url)
        answer = queued.pop(0) if queued else self._always.get(url, 200)
        return answer if isinstance(answer, SendResult) else SendResult(answer, "ok", 3)

    async def close(self) -> None:
        """Nothing to release (the worker closes its sender after every run)."""

    def to(self, url: str) -> list[Sent]:
        """The requests sent to `url`, in order."""
        return [request for request in self.sent if request.url == url]


Scripted = int | SendResult
"""A scripted answer: a status, or the whole result (a `Retry-After`, no response)."""


@dataclass(frozen=True)
class Sent:
    """One request a `RecordingSender` was asked to send."""

    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def envelope(self) -> Any:
        """The parsed body."""
        return json.loads(self.body)

    @property
    def unit_ids(self) -> list[str]:
        """The unit ids of the batch's events, in order."""
        return [item["eventData"]["unitId"] for item in self.envelope["eventsData"]]


def wired(
    clock: ManualClock,
    storage: MemoryStorage | None = None,
    *,
    sender: Callable[[], Sender] = RefusingSender,
    **settings: object,
) -> Container:
    """The application's use cases wired on the in-memory storage, as `bootstrap.build` wires SQL.

    `sender` makes the delivery worker's sender; retries follow the schedule exactly (no jitter);
    `settings` override the tests' settings.
    """
    values: dict[str, object] = {
        "reminder_interval": POLICY_SECONDS[0],
        "reminder_window": POLICY_SECONDS[1],
        "unknown_retry_after": POLICY_SECONDS[2],
        **settings,
    }
    guard = TargetGuard(
        static_resolver({HOOKS_HOST: ["93.184.216.34"]}), allow_private=True, allow_insecure=True
    )
    return bootstrap.wire(
        storage or MemoryStorage(),
        clock,
        sender,
        guard,
        settings=make_settings("sqlite://", **values),
        jitter=lambda: 0.0,
    )


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


DELIVERY_SETTINGS: dict[str, Any] = {
    "retry_schedule": (10.0, 20.0),
    "delivery_timeout": 1.0,
    "onhold_probe_interval": 60.0,
    "event_retention": 3600.0,
}
"""The delivery tests' schedule, as `tests/delivery_support.delivery_settings` has it for SQL."""
HOOK = f"https://{HOOKS_HOST}/in"


def subscribe(container: Container, org_id: str, url: str = HOOK, **fields: Any) -> tuple[Subscription, str]:
    """A v1 subscription to both events that sends at once (unless told); with its secret."""
    settings: dict[str, Any] = {
        "url": url,
        "event_version": 1,
        "names": ["unit.paired", "unit.unpaired"],
        "max_wait_ms": 0,
        **fields,
    }
    view, secret = container.subscriptions.create(org_id, **settings)
    assert secret is not None
    return view.record, secret


@pytest.fixture
def sender() -> RecordingSender:
    """The delivery worker's sender: answers 200 unless scripted, and keeps what it was sent."""
    return RecordingSender()


@pytest.fixture
def delivering(clock: ManualClock, sender: RecordingSender) -> Container:
    """The use cases on the in-memory storage, delivering through `sender` on a 10 s, 20 s schedule."""
    return wired(clock, sender=lambda: sender, **DELIVERY_SETTINGS)


@pytest.fixture
def hub() -> Hub:
    """Fresh use cases on an empty in-memory storage."""
    return Hub()
