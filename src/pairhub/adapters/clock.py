"""Clocks: the system one for production, a manual one for tests and compressed demos."""

from __future__ import annotations

import threading
import time


class SystemClock:
    """Wall-clock time."""

    def now_ms(self) -> int:
        """The current time in epoch milliseconds."""
        return time.time_ns() // 1_000_000


class ManualClock:
    """A clock that moves only when told to, so hour-long schedules run in milliseconds."""

    def __init__(self, start_ms: int = 1_747_088_400_000) -> None:
        self._now_ms = start_ms
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        """The current (frozen) time in epoch milliseconds."""
        with self._lock:
            return self._now_ms

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        with self._lock:
            self._now_ms += round(seconds * 1000)

    def set(self, epoch_ms: int) -> None:
        """Jump to an absolute time."""
        with self._lock:
            self._now_ms = epoch_ms
