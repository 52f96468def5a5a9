"""Prometheus metrics across processes: one scrape on the API port shows every process of a pairhub.

`serve --workers N` and `serve` beside `pairhub worker` processes count in different interpreters.
prometheus_client's multiprocess mode keeps each process's values in files of one directory
(`PROMETHEUS_MULTIPROC_DIR`); `/metrics` sums counters and histograms over every process that ever
wrote there, and takes gauges from live processes only (`GAUGE_MODE`: the largest value, since every
delivering process measures the same backlog and any connected subscriber means "connected").
The library chooses where values live when it is first imported, so the variable is set from
`PAIRHUB_METRICS_DIR` before that (`pairhub.entrypoints`, the package every process starts from), and
`serve --workers N` makes a directory of its own for its children when none is configured. One
process without the setting keeps its values in memory, as before. This set-up is the processes' own,
not a port of the use cases: it lives with the ways in, which alone use it, and imports nothing that
imports prometheus_client (bootstrap does, so it cannot be the one to run it first).
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
SETTING = "PAIRHUB_METRICS_DIR"
GAUGE_MODE = "livemax"
"""How a gauge of several processes is shown: the largest value among the living ones."""


def share_from_setting() -> None:
    """Point prometheus_client at `PAIRHUB_METRICS_DIR` (call before it is imported)."""
    directory = os.environ.get(SETTING)
    if directory and not os.environ.get(MULTIPROCESS_VARIABLE):
        Path(directory).mkdir(parents=True, exist_ok=True)
        os.environ[MULTIPROCESS_VARIABLE] = directory
    if shared_directory() is not None:
        atexit.register(process_ended)


def shared_directory() -> str | None:
    """The directory the processes share their values in, or None (values in memory)."""
    return os.environ.get(MULTIPROCESS_VARIABLE) or None


def exposition() -> tuple[bytes, str]:
    """The text exposition of every process's metrics (this one's alone without a shared directory)."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    directory = shared_directory()
    if directory is None:
        return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return generate_latest(registry), CONTENT_TYPE_LATEST


def process_ended(pid: int | None = None) -> None:
    """Drop a process's live gauges from the shared directory (its counters keep counting in the sums)."""
    directory = shared_directory()
    if directory is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid or os.getpid(), directory)  # type: ignore[no-untyped-call]
