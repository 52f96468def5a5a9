"""A background loop's view of a storage outage: one log line when it starts, one when it ends.

A database that cannot be reached (or a full disk) fails every iteration of every loop until it is
back; logging each failure would bury the one fact that matters under thousands of lines. Each loop
keeps one `Outage`: the first failure is logged, the loop pauses longer after each failure (up to
`max_pause_s`), and the first success after it says that the loop resumed.
"""

from __future__ import annotations

import time

import structlog

log = structlog.get_logger("pairhub.outage")


class Outage:
    """Whether one loop is in an outage, how long it pauses, and the two log lines of each outage."""

    def __init__(self, loop: str, first_pause_s: float = 0.5, max_pause_s: float = 15.0) -> None:
        self.loop = loop
        self.first_pause_s = first_pause_s
        self.max_pause_s = max_pause_s
        self.failures = 0
        self._since = 0.0

    @property
    def ongoing(self) -> bool:
        """True between a failure and the next success."""
        return self.failures > 0

    def failed(self, error: BaseException) -> float:
        """Note a failed iteration; return how long to pause before the next one."""
        if not self.failures:
            self._since = time.monotonic()
            log.error("storage_outage", loop=self.loop, error=str(error) or type(error).__name__)
        self.failures += 1
        pause: float = self.first_pause_s * 2.0 ** (self.failures - 1)
        return min(self.max_pause_s, pause)

    def succeeded(self) -> None:
        """Note a successful iteration (the end of an outage, if one was ongoing)."""
        if self.failures:
            lasted = round(time.monotonic() - self._since, 1)
            log.info("storage_recovered", loop=self.loop, failures=self.failures, lasted_s=lasted)
            self.failures = 0
