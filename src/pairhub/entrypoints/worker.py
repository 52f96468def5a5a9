"""Background work: the delivery worker and the reminder scheduler (inside `serve` or alone)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable

from pairhub.bootstrap import Container

Stopper = Callable[[], Awaitable[None]]


async def start_background(container: Container) -> Stopper:
    """Start the background loops and return a coroutine function that stops them."""
    tasks: list[asyncio.Task[None]] = []

    async def stop() -> None:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    return stop


def run_forever(container: Container) -> None:
    """Run the background loops until SIGINT or SIGTERM."""

    async def main() -> None:
        stop_event = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop_event.set)
        stop = await start_background(container)
        await stop_event.wait()
        await stop()

    asyncio.run(main())
