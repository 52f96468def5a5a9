"""Background work: the delivery worker and the reminder scheduler (inside `serve` or alone)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from typing import Any

import structlog

from pairhub.bootstrap import Container
from pairhub.entrypoints import mqtt
from pairhub.entrypoints.processes import freeze_startup_heap
from pairhub.ports import StorageOutage
from pairhub.services.outage import Outage
from pairhub.worker import loops
from pairhub.worker.key_usage import key_usage_loop
from pairhub.worker.retention import retention_loop

Stopper = Callable[[], Awaitable[None]]
Loop = Callable[[Container, asyncio.Event], Coroutine[Any, Any, None]]
log = structlog.get_logger("pairhub.worker")


def background_loops(deliver: bool = True, mqtt_ingest: bool = False, role: str = "serve") -> list[Loop]:
    """The loops a process runs; each returns when the stop event is set.

    An API process of `serve --workers N` (role "api") only flushes the unit activity it buffered:
    its background process delivers, schedules and subscribes.
    """
    if role == "api":
        return [loops.flush_loop, key_usage_loop]
    running: list[Loop] = [loops.flush_loop, key_usage_loop, loops.reminder_loop, prune_loop]
    if deliver:
        running.append(Container.deliver_webhooks)
    if mqtt_ingest:
        running.append(partial(mqtt.subscriber_loop, role=role))
    if deliver or mqtt_ingest:
        running.append(partial(heartbeat_loop, role=role, delivers=deliver))
    return running


async def prune_loop(container: Container, stopping: asyncio.Event) -> None:
    """The retention job (worker/retention.py), every PAIRHUB_RETENTION_INTERVAL."""
    await retention_loop(container.retention, container.settings.retention_interval, stopping)


HEARTBEAT_S = 2.0
"""How often a delivering process writes its heartbeat; `/readyz` finds it stale after a few misses."""


async def heartbeat_loop(container: Container, stopping: asyncio.Event, role: str, delivers: bool) -> None:
    """Write this process's delivery and MQTT state every HEARTBEAT_S, and remove it when stopping."""
    try:
        while not stopping.is_set():
            status = container.mqtt_status
            state = {
                "delivery": container.delivery_worker.health if delivers else None,
                "mqtt": {
                    "configured": status.configured,
                    "connected": status.connected,
                    "error": status.last_error,
                    "topicFilter": status.topic_filter,
                    "partition": status.partition,
                },
            }
            # An outage is reported by the loops that do the work; the heartbeat just waits for it.
            with contextlib.suppress(StorageOutage):
                await asyncio.to_thread(container.write_heartbeat, role, state)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=HEARTBEAT_S)
    finally:
        with contextlib.suppress(StorageOutage):
            await asyncio.to_thread(container.forget_heartbeat)


RECOVERED_AFTER_S = 5.0
"""A loop restarted after a storage outage that runs this long without failing has resumed."""


async def _guarded(loop: Loop, container: Container, stopping: asyncio.Event) -> None:
    # A loop that crashes is restarted after a pause: one bad row must not stop delivery for good.
    name = str(getattr(loop, "__name__", None) or getattr(getattr(loop, "func", None), "__name__", loop))
    outage = Outage(name)

    def resumed_if_running(task: asyncio.Future[None]) -> None:
        if not task.done():
            outage.succeeded()

    while not stopping.is_set():
        pause = 1.0
        running = asyncio.ensure_future(loop(container, stopping))
        if outage.ongoing:
            # The loop says nothing when it works again: still running after a while, it has resumed.
            asyncio.get_running_loop().call_later(RECOVERED_AFTER_S, resumed_if_running, running)
        try:
            await running
        except asyncio.CancelledError:
            raise
        except StorageOutage as error:
            pause = outage.failed(error)
        except Exception:
            log.exception("background_loop_crashed", loop=name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=pause)


async def start_background(
    container: Container, deliver: bool = True, role: str = "serve", mqtt: bool = True
) -> Stopper:
    """Start the background loops and return a coroutine function that stops them; `mqtt` False keeps
    this process off the broker even when PAIRHUB_MQTT_URL is set."""
    stopping = asyncio.Event()
    loops = background_loops(deliver, mqtt and bool(container.settings.mqtt_url), role)
    stop_hearing = container.hear_other_processes(delivers=Container.deliver_webhooks in loops)
    tasks = [asyncio.create_task(_guarded(loop, container, stopping)) for loop in loops]

    async def stop() -> None:
        stopping.set()
        try:
            await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=10)
        except TimeoutError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.to_thread(stop_hearing)

    return stop


def run_forever(container: Container, mqtt: bool = True) -> None:
    """Run the background loops until SIGINT or SIGTERM."""
    freeze_startup_heap()

    async def main() -> None:
        stop_event = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop_event.set)
        stop = await start_background(container, role="worker", mqtt=mqtt)
        await stop_event.wait()
        await stop()

    asyncio.run(main())
