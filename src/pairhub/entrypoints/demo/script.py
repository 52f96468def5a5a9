"""The simulation: scripted moments that reach every outcome, and units that keep reporting."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import aiohttp
import structlog

from pairhub.bootstrap import Container
from pairhub.domain.events import Location
from pairhub.domain.vin import ReportedVin
from pairhub.entrypoints.demo.fleet import LATE_ASSET, UNIT_BY_ROLE, DemoPlan, DemoUnit
from pairhub.services.ingest import UnitMessage

log = structlog.get_logger("pairhub.demo")

REPORT_PERIOD_S = 10.0
"""How often every communicating unit reports (real units report every few seconds)."""

Stopper = Callable[[], Awaitable[None]]
Starter = Callable[[Container], Awaitable[Stopper]]


@dataclass
class Fleet:
    """The units that are communicating, and how far each has driven."""

    reporting: dict[str, DemoUnit] = field(default_factory=dict)
    ticks: int = 0

    def start(self, role: str) -> DemoUnit:
        """Unit `role` begins communicating (it then reports every period)."""
        unit = UNIT_BY_ROLE[role]
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
    container.pairing.unpair(plan.organization_id, UNIT_BY_ROLE["exact"].unit_id, via="demo")


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
