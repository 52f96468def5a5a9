"""Time as a port: the domain and services read `now` from a Clock, never from the system."""

from __future__ import annotations

from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time in milliseconds since the Unix epoch, UTC."""

    def now_ms(self) -> int:
        """The current time in epoch milliseconds."""
        ...
