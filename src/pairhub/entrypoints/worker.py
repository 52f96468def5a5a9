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
from pairhub.worker import loops
from pairhub.worker.key_usage import key_usage_loop

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
    running: list[Loop] = [loops.flush_loop, key_usage_loop, loops.reminder_loop]
    if deliver:
        running.append(Container.deliver_webhooks)
    if mqtt_ingest:
        running.append(partial(mqtt.subscriber_loop, role=role))
    return running


async def _guarded(loop: Loop, container: Container, stopping: asyncio.Event) -> None:
    # A loop that crashes is restarted after a pause: one bad row must not stop delivery for good.
    while not stopping.is_set():
        try:
            await loop(container, stopping)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background_loop_crashed", loop=getattr(loop, "__name__", str(loop)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=1.0)


async def start_background(container: Container, deliver: bool = True, role: str = "serve") -> Stopper:
    """Start the background loops and return a coroutine function that stops them."""
    stopping = asyncio.Event()
    loops = background_loops(deliver, bool(container.settings.mqtt_url), role)
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


def run_forever(container: Container) -> None:
    """Run the background loops until SIGINT or SIGTERM."""
    freeze_startup_heap()

    async def main() -> None:
        stop_event = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop_event.set)
        stop = await start_background(container, role="worker")
        await stop_event.wait()
        await stop()

    asyncio.run(main())
