"""CPU time of the processes a figure runs, by role: what a figure can reach on a machine of few cores.

On 2 cores a figure whose processes together spend one core-second per 1,000 requests cannot pass
2,000 requests/s, however many processes share the work; `CpuMeter` shows that bound beside the rate.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from sqlalchemy import Engine, text

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of process `pid` so far; None when it is gone or not visible."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: the fields that follow its last ")"
    # start with field 3, so utime (field 14) and stime (field 15) sit at 11 and 12.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS_PER_SECOND


def postgres_pids(engine: Engine) -> list[int]:
    """The server processes working for `engine`'s database, and the server's own background ones."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " OR backend_type <> 'client backend'"
            )
        )
        return [int(pid) for (pid,) in rows]


class CpuMeter:
    """CPU seconds each role's processes spent between `start` and `stop`."""

    def __init__(self, roles: Mapping[str, Iterable[int] | Callable[[], Iterable[int]]]) -> None:
        """`roles` maps a role to its processes' ids, or to a function that lists them at each sample."""
        self._roles = roles
        self._started: dict[str, dict[int, float]] = {}

    def _sample(self) -> dict[str, dict[int, float]]:
        sampled: dict[str, dict[int, float]] = {}
        for role, pids in self._roles.items():
            seconds = {pid: cpu_seconds(pid) for pid in (pids() if callable(pids) else pids)}
            sampled[role] = {pid: spent for pid, spent in seconds.items() if spent is not None}
        return sampled

    def start(self) -> None:
        """Take the first sample."""
        self._started = self._sample()

    def stop(self) -> dict[str, float]:
        """CPU seconds per role since `start` (a process that started meanwhile counts from zero)."""
        ended = self._sample()
        return {
            role: sum(spent - self._started.get(role, {}).get(pid, 0.0) for pid, spent in pids.items())
            for role, pids in ended.items()
        }


def bound_note(spent: Mapping[str, float], requests: int) -> str:
    """CPU per request by role, and the rate the machine's cores allow at that cost."""
    if requests <= 0:
        return ""
    per_request = {role: seconds / requests for role, seconds in spent.items()}
    total = sum(per_request.values())
    shares = ", ".join(f"{role} {seconds * 1000:.2f}" for role, seconds in per_request.items())
    cores = os.cpu_count() or 1
    allowed = f"; {cores} cores allow at most {cores / total:,.0f} requests/s at that cost" if total else ""
    return f"CPU ms per request: {shares} (total {total * 1000:.2f}){allowed}"
