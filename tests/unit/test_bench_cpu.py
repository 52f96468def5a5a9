"""The bench's CPU accounting: per-process CPU from /proc, and the rate the cores allow at that cost."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from bench import cpu

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="no /proc on this system")


def _burn(seconds: float) -> None:
    until = time.process_time() + seconds
    while time.process_time() < until:
        pass


def test_a_process_spending_cpu_is_counted_under_its_role() -> None:
    meter = cpu.CpuMeter({"this": [os.getpid()], "nobody": lambda: []})
    meter.start()
    _burn(0.2)
    spent = meter.stop()

    assert spent["nobody"] == 0
    # /proc counts in clock ticks (10 ms): 0.2 s of CPU shows as at least 0.15 s.
    assert spent["this"] >= 0.15


def test_a_process_that_is_gone_is_left_out() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()

    assert cpu.cpu_seconds(child.pid) is None
    meter = cpu.CpuMeter({"gone": [child.pid]})
    meter.start()
    assert meter.stop() == {"gone": 0}


def test_the_note_gives_cpu_per_request_and_the_rate_the_cores_allow() -> None:
    note = cpu.bound_note({"workers": 1.2, "PostgreSQL": 0.8}, requests=1000)

    cores = os.cpu_count() or 1
    assert note == (
        "CPU ms per request: workers 1.20, PostgreSQL 0.80 (total 2.00);"
        f" {cores} cores allow at most {cores / 0.002:,.0f} requests/s at that cost"
    )
    assert cpu.bound_note({"workers": 1.0}, requests=0) == ""
