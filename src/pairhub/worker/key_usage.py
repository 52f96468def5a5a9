"""The background loop that writes when API keys were last used, in batches off the request path."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

from pairhub.services.auth import Authenticator

FLUSH_INTERVAL_SECONDS = 30.0
"""`lastUsedAt` is kept to the minute; writing twice a minute keeps it at most a minute behind."""


class Host(Protocol):
    """What this loop needs of the process's container."""

    @property
    def authenticator(self) -> Authenticator:
        """The authenticator with its buffer of key uses."""
        ...


async def key_usage_loop(host: Host, stopping: asyncio.Event) -> None:
    """Write the key uses noted since the last round, every half minute and once more when stopping."""
    usage = host.authenticator.usage
    try:
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=FLUSH_INTERVAL_SECONDS)
            await asyncio.to_thread(usage.flush)
    finally:
        usage.flush()
