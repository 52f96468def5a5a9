"""`pairhub serve --demo`: a seeded demo fleet, simulated units, and a built-in webhook receiver.

On an empty database the demo creates an organization with auto pairing on, assets, units and a
webhook subscription whose URL is this server's own `/demo/receiver`. Once the server listens, a
script of simulated units reports VINs through the ingest service so that every pairing outcome
happens live; the received batches are shown at `/demo/batches`. A database that already holds data
is never touched. `PAIRHUB_DEMO_SPEED` (default 1) runs the whole script that many times faster.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from rich.console import Console
from sqlalchemy import select

from pairhub.adapters.sql.tables import organizations, subscriptions
from pairhub.bootstrap import Container
from pairhub.config import Settings
from pairhub.domain.delivery import signing_secrets
from pairhub.domain.events import Location
from pairhub.domain.vin import ReportedVin
from pairhub.entrypoints.ui.web import templates
from pairhub.receiver import InMemoryDedupeStore, InvalidSignature, Receiver
from pairhub.services.ingest import UnitMessage

log = structlog.get_logger("pairhub.demo")

SPEED_VARIABLE = "PAIRHUB_DEMO_SPEED"
ORGANIZATION_NAME = "Demo Fleet"
RECEIVER_PATH = "/demo/receiver"
BATCHES_PATH = "/demo/batches"
KEPT_BATCHES = 200
REPORT_PERIOD_S = 10.0
"""How often every communicating unit reports (real units report every few seconds)."""

# The compressed clock of the demo: a reminder every 20 s for 4 min instead of every hour for 48 h.
DEMO_DURATIONS_S = {"reminder_interval": 20.0, "reminder_window": 240.0}

Stopper = Callable[[], Awaitable[None]]
Starter = Callable[[Container], Awaitable[Stopper]]


def demo_speed() -> float:
    """The demo's speed factor from `PAIRHUB_DEMO_SPEED` (1 when unset; 20 runs it 20 times faster)."""
    raw = os.environ.get(SPEED_VARIABLE, "").strip()
    if not raw:
        return 1.0
    speed = float(raw)
    if not math.isfinite(speed) or speed <= 0:
        raise ValueError(f"{SPEED_VARIABLE} must be a positive number, not {raw!r}")
    return speed


def demo_settings() -> Settings:
    """Settings of demo mode: the compressed clock where the environment is silent, loopback webhooks."""
    speed = demo_speed()
    defined = {name.upper() for name in os.environ}
    overrides: dict[str, Any] = {
        name: seconds / speed
        for name, seconds in DEMO_DURATIONS_S.items()
        if f"PAIRHUB_{name.upper()}" not in defined
    }
    # The built-in receiver is this very process, reached over plain HTTP on loopback.
    overrides["allow_private_webhook_targets"] = True
    overrides["allow_insecure_webhooks"] = True
    return Settings(**overrides)


# --- The demo fleet ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAsset:
    """An asset of the demo; `role` names it in the script."""

    role: str
    vin: str
    name: str


@dataclass(frozen=True)
class DemoUnit:
    """A simulated unit: the VIN it reports (None: position reports only) and where it drives."""

    role: str
    unit_id: str
    vin: str | None
    latitude: float
    longitude: float


def _filler_vins(count: int) -> list[str]:
    # Distinct serials far from the scripted ones, so that no filler asset becomes a partial match.
    makers = ("WKE", "WSM", "VF9", "YS2", "NLE", "SUD", "ZCF", "TMB")
    years = "ABCDEFGHJKLMNPRSTVWXY"
    return [
        f"{makers[n % len(makers)]}SD{n:03d}0{years[n % len(years)]}K{700001 + n * 37:06d}"
        for n in range(count)
    ]


_FILLER = _filler_vins(30)
ASSETS: tuple[DemoAsset, ...] = (
    DemoAsset("exact", "WDB9634031L738192", "Curtainsider 12"),
    DemoAsset("truncated", "YS2R4X20005399401", "Reefer 3"),
    DemoAsset("typo", "VF1RFB00X62812345", "Flatbed 7"),
    DemoAsset("twin-a", "SAJWA44B1A3D51234", "Tanker 1"),
    DemoAsset("twin-b", "WMAH05ZZ6A3D51234", "Tanker 2"),
    DemoAsset("manual", "1HGCM82633A000001", "Box trailer 4"),
    *(DemoAsset(f"fleet-{n}", vin, f"Trailer {n + 10}") for n, vin in enumerate(_FILLER)),
)
LATE_ASSET = DemoAsset("late", "XLRTE47MS0G654321", "Lowloader 9")
"""Created by the script after its unit was reported NotFound: the re-match pairs it at once."""

UNITS: tuple[DemoUnit, ...] = (
    DemoUnit("exact", "tp:890123847562301", "WDB9634031L738192", 50.869, 2.894),
    DemoUnit("truncated", "krone:441002887701", "05399401", 51.219, 4.402),
    DemoUnit("invalid", "txtrailerguard:359315075384726", "XXXXXX", 52.370, 4.895),
    DemoUnit("manual", "tp:890123847562307", None, 50.846, 4.352),
    DemoUnit("not-found", "tp:890123847562305", LATE_ASSET.vin, 48.856, 2.352),
    DemoUnit("multiple", "krone:441002887702", "A3D51234", 53.551, 9.993),
    DemoUnit("typo", "tp:890123847562303", "VF1RFB00Y62812345", 45.764, 4.835),
    *(
        DemoUnit(f"fleet-{n}", f"tp:89012384756231{n}", _FILLER[n], 49.0 + n * 0.7, 6.0 + n * 0.9)
        for n in range(5)
    ),
    DemoUnit("silent", "tp:890123847562320", None, 47.0, 8.0),
)
_UNIT_BY_ROLE = {unit.role: unit for unit in UNITS}


@dataclass(frozen=True)
class DemoPlan:
    """What the simulation needs to know about a freshly seeded demo."""

    organization_id: str
    asset_ids: dict[str, str]
    base_url: str
    speed: float


def loopback_url(base_url: str) -> str:
    """`base_url` as this process reaches itself: a wildcard listen address becomes 127.0.0.1."""
    parts = urlsplit(base_url)
    host = parts.hostname or "127.0.0.1"
    if host in {"0.0.0.0", "::", ""}:
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}:{parts.port}"


def seed_demo(container: Container, base_url: str, console: Console) -> DemoPlan | None:
    """Create the demo organization, fleet and subscription, unless the database has data."""

    def say(text: str) -> None:
        # Unwrapped, so that keys and addresses can be copied from a narrow terminal.
        console.print(text, soft_wrap=True, highlight=False)

    with container.database.read() as connection:
        if connection.execute(select(organizations.c.id).limit(1)).first() is not None:
            say("Demo: the database already has data; nothing seeded.")
            say(
                f"Demo: webhooks received by the built-in receiver: {base_url}{BATCHES_PATH} "
                "(delete the database file to watch the demo again)."
            )
            return None
    speed = demo_speed()
    org = container.organizations.create(ORGANIZATION_NAME, True, True)
    _, key = container.organizations.create_api_key(org.id)
    asset_ids = {
        asset.role: container.assets.create(org.id, asset.vin, asset.name).asset.id for asset in ASSETS
    }
    for unit in UNITS:
        container.units.provision(org.id, unit.unit_id)
    own_url = loopback_url(base_url)
    container.subscriptions.create(
        org.id,
        url=own_url + RECEIVER_PATH,
        event_version=1,
        names=["unit.paired", "unit.unpaired"],
        description="Built-in demo receiver",
    )
    say(
        f"Demo: organization {ORGANIZATION_NAME!r} ({org.id}) with {len(ASSETS)} assets, "
        f"{len(UNITS)} units and auto pairing on."
    )
    say(f"Demo organization key: {key}")
    say(f"UI: {base_url}/ui  (sign in with the key above or the admin token)")
    say(f"Received webhooks: {base_url}{BATCHES_PATH}  (JSON: {base_url}{RECEIVER_PATH})")
    say(
        "Simulated units start reporting once the server is up; the scripted outcomes take "
        f"{SCRIPT[-1].at_s / speed:.0f} s, NotFound reminders come every "
        f"{container.settings.reminder_interval:g} s."
    )
    return DemoPlan(org.id, asset_ids, own_url, speed)


# --- The simulation ------------------------------------------------------------------------------


@dataclass
class Fleet:
    """The units that are communicating, and how far each has driven."""

    reporting: dict[str, DemoUnit] = field(default_factory=dict)
    ticks: int = 0

    def start(self, role: str) -> DemoUnit:
        """Unit `role` begins communicating (it then reports every period)."""
        unit = _UNIT_BY_ROLE[role]
        self.reporting[unit.unit_id] = unit
        return unit

    def messages(self, units: Sequence[DemoUnit]) -> list[UnitMessage]:
        """One message per unit: its VIN when it has one, and a position a little further on."""
        self.ticks += 1
        drift = 0.002 * self.ticks
        return [
            UnitMessage(
                index=index,
                unit_id=unit.unit_id,
                vin=None if unit.vin is None else ReportedVin.of(unit.vin),
                location=Location(round(unit.latitude + drift, 5), round(unit.longitude + drift, 5)),
            )
            for index, unit in enumerate(units)
        ]


Action = Callable[[Container, DemoPlan, Fleet], None]


@dataclass(frozen=True)
class Step:
    """One scripted moment: `at_s` seconds after the server is up (at speed 1)."""

    at_s: float
    note: str
    action: Action


def _reports(role: str) -> Action:
    def action(container: Container, plan: DemoPlan, fleet: Fleet) -> None:
        unit = fleet.start(role)
        container.ingest.accept(fleet.messages([unit]))

    return action


def _pair_manually(container: Container, plan: DemoPlan, fleet: Fleet) -> None:
    unit = fleet.start("manual")
    container.ingest.accept(fleet.messages([unit]))
    container.pairing.pair(plan.organization_id, unit.unit_id, plan.asset_ids["manual"], via="demo")


def _unpair(container: Container, plan: DemoPlan, fleet: Fleet) -> None:
    container.pairing.unpair(plan.organization_id, _UNIT_BY_ROLE["exact"].unit_id, via="demo")


def _create_late_asset(container: Container, plan: DemoPlan, fleet: Fleet) -> None:
    container.assets.create(plan.organization_id, LATE_ASSET.vin, LATE_ASSET.name)


SCRIPT: tuple[Step, ...] = (
    Step(5, "unit reports the exact VIN of an asset -> AutoPair", _reports("exact")),
    Step(
        15, "unit reports a truncated VIN (the serial part) -> AutoPair (partial P1)", _reports("truncated")
    ),
    Step(25, "unit reports 'XXXXXX' -> InvalidData", _reports("invalid")),
    Step(35, "an operator pairs a unit without VIN by hand -> ManualPair", _pair_manually),
    Step(45, "unit reports a VIN no asset has -> NotFound, then reminders", _reports("not-found")),
    Step(55, "unit reports a serial two assets end with -> MultipleMatchFound", _reports("multiple")),
    Step(65, "unit reports a VIN with one typo before the serial -> AutoPair (partial P2)", _reports("typo")),
    *(
        Step(
            75 + 5 * n,
            "another unit reports the exact VIN of its trailer -> AutoPair",
            _reports(f"fleet-{n}"),
        )
        for n in range(5)
    ),
    Step(110, "an operator unpairs the first unit -> unit.unpaired (it stays unpaired)", _unpair),
    Step(
        130, "the missing asset is created -> the NotFound unit is re-matched -> AutoPair", _create_late_asset
    ),
)


async def _pause(stopping: asyncio.Event, seconds: float) -> bool:
    """Wait `seconds` unless stopping; True when the demo goes on."""
    if seconds > 0:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=seconds)
    return not stopping.is_set()


async def _wait_until_listening(base_url: str, stopping: asyncio.Event) -> bool:
    # Background work starts before the server accepts connections; events sent earlier would meet a
    # closed port and wait for a delivery retry.
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while not stopping.is_set():
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with session.get(base_url + "/healthz") as response:
                    if response.status == 200:
                        return True
            await _pause(stopping, 0.1)
    return False


async def _run_script(container: Container, plan: DemoPlan, fleet: Fleet, stopping: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    for step in SCRIPT:
        if not await _pause(stopping, started + step.at_s / plan.speed - loop.time()):
            return
        log.info("demo_step", at=f"t+{step.at_s:g}s", step=step.note)
        try:
            await asyncio.to_thread(step.action, container, plan, fleet)
        except Exception:
            # A demo goes on: an operator may have changed the fleet through the UI meanwhile.
            log.exception("demo_step_failed", step=step.note)
    log.info("demo_script_done", note="units keep reporting; pair the MultipleMatchFound unit in the UI")


async def _report_periodically(
    container: Container, plan: DemoPlan, fleet: Fleet, stopping: asyncio.Event
) -> None:
    while await _pause(stopping, REPORT_PERIOD_S / plan.speed):
        units = list(fleet.reporting.values())
        if not units:
            continue
        try:
            await asyncio.to_thread(container.ingest.accept, fleet.messages(units))
        except Exception:
            log.exception("demo_reports_failed")


async def simulate(container: Container, plan: DemoPlan, stopping: asyncio.Event) -> None:
    """Play the script once the server listens, and keep the communicating units reporting."""
    if not await _wait_until_listening(plan.base_url, stopping):
        return
    fleet = Fleet()
    await asyncio.gather(
        _run_script(container, plan, fleet, stopping),
        _report_periodically(container, plan, fleet, stopping),
    )


def with_simulation(start: Starter, plan: DemoPlan | None) -> Starter:
    """The worker's background loops, plus the simulated units when the demo was just seeded."""
    if plan is None:
        return start

    async def start_all(container: Container) -> Stopper:
        stop_background = await start(container)
        stopping = asyncio.Event()
        task = asyncio.create_task(simulate(container, plan, stopping))

        async def stop() -> None:
            stopping.set()
            try:
                await asyncio.wait_for(task, timeout=10)
            except TimeoutError:
                log.warning("demo_simulation_stop_timed_out")
            except Exception:
                log.exception("demo_simulation_failed")
            await stop_background()

        return stop

    return start_all


# --- The built-in receiver -----------------------------------------------------------------------


@dataclass
class Inbox:
    """The last batches the built-in receiver accepted, newest first, and counters."""

    capacity: int = KEPT_BATCHES
    batches: deque[dict[str, Any]] = field(default_factory=deque)
    received: int = 0
    duplicates: int = 0
    refused: int = 0
    dedupe: InMemoryDedupeStore = field(default_factory=InMemoryDedupeStore)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, envelope: dict[str, Any], received_at: str) -> None:
        """Keep an accepted batch (the oldest goes when full)."""
        with self.lock:
            self.received += 1
            self.batches.appendleft(
                {
                    "eventBatchId": envelope["eventBatchId"],
                    "eventSubscriptionId": envelope["eventSubscriptionId"],
                    "eventBatchTime": envelope["eventBatchTime"],
                    "receivedAt": received_at,
                    "eventsData": envelope["eventsData"],
                }
            )
            while len(self.batches) > self.capacity:
                self.batches.pop()

    def snapshot(self) -> dict[str, Any]:
        """The JSON answer of `GET /demo/receiver`."""
        with self.lock:
            return {
                "received": self.received,
                "duplicates": self.duplicates,
                "refused": self.refused,
                "batches": list(self.batches),
            }


def _secrets_of(container: Container, subscription_id: str) -> tuple[str, ...]:
    # The secret is read per request, so a rotation from the UI keeps the receiver verifying.
    with container.database.read() as connection:
        row = (
            connection.execute(
                select(
                    subscriptions.c.secret,
                    subscriptions.c.previous_secret,
                    subscriptions.c.previous_secret_expires_at,
                ).where(subscriptions.c.id == subscription_id)
            )
            .mappings()
            .first()
        )
    if row is None:
        return ()
    return signing_secrets(
        row["secret"], row["previous_secret"], row["previous_secret_expires_at"], container.clock.now_ms()
    )


def _iso(epoch_ms: int) -> str:
    return f"{datetime.fromtimestamp(epoch_ms / 1000, tz=UTC):%Y-%m-%dT%H:%M:%S.%f}"[:-3] + "Z"


def event_line(item: dict[str, Any]) -> dict[str, str]:
    """One event of a batch as the columns of the batches page."""
    data = item.get("eventData", {})
    location = data.get("location") or {}
    latitude = location.get("lat", location.get("latitude"))
    longitude = location.get("lon", location.get("longitude"))
    details = [
        f"{label}={data[key]}"
        for label, key in (("asset", "assetId"), ("assetVIN", "assetVIN"), ("sensorVIN", "sensorVIN"))
        if data.get(key) is not None
    ]
    if data.get("candidateAssetIds"):
        details.append("candidates=" + ",".join(data["candidateAssetIds"]))
    if latitude is not None and longitude is not None:
        details.append(f"at {latitude},{longitude}")
    return {
        "registeredOn": str(data.get("registeredOn", "")),
        "eventType": str(item.get("eventType", "")),
        "status": str(data.get("status", "")),
        "reason": str(data.get("reason", "")),
        "unitId": str(data.get("unitId", "")),
        "details": " ".join(details),
    }


router = APIRouter(include_in_schema=False)


@router.post(RECEIVER_PATH)
async def receive_batch(request: Request) -> Response:
    """Verify a webhook batch with its subscription's secret and keep it."""
    container: Container = request.app.state.container
    inbox: Inbox = request.app.state.demo_inbox
    body = await request.body()
    try:
        envelope = json.loads(body)
        subscription_id = str(envelope["eventSubscriptionId"])
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": "not a pairhub batch"}, status_code=400)
    secrets = await asyncio.to_thread(_secrets_of, container, subscription_id)
    try:
        batch = Receiver(secrets, inbox.dedupe).receive(dict(request.headers), body)
    except InvalidSignature as error:
        with inbox.lock:
            inbox.refused += 1
        return JSONResponse({"error": str(error)}, status_code=401)
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": "not a pairhub batch"}, status_code=400)
    if batch is None:
        with inbox.lock:
            inbox.duplicates += 1
        return JSONResponse({"status": "duplicate", "eventBatchId": envelope["eventBatchId"]})
    inbox.add(envelope, _iso(container.clock.now_ms()))
    return JSONResponse({"status": "ok", "eventBatchId": batch.batch_id})


@router.get(RECEIVER_PATH)
def received_batches(request: Request) -> dict[str, Any]:
    """The batches the built-in receiver accepted, newest first, as JSON."""
    inbox: Inbox = request.app.state.demo_inbox
    return inbox.snapshot()


@router.get(BATCHES_PATH)
def batches_page(request: Request) -> Response:
    """The received batches as a page that refreshes itself, one line per event."""
    inbox: Inbox = request.app.state.demo_inbox
    snapshot = inbox.snapshot()
    batches = [
        {**batch, "lines": [event_line(item) for item in batch["eventsData"]]}
        for batch in snapshot["batches"]
    ]
    return templates.TemplateResponse(
        request,
        "demo_batches.html",
        {"inbox": snapshot, "batches": batches, "receiver_path": RECEIVER_PATH},
    )


def install_receiver(app: FastAPI) -> None:
    """Mount the built-in receiver and its pages on `app` (demo mode only)."""
    app.state.demo_inbox = Inbox()
    app.include_router(router)
