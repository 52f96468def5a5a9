"""py-spy profiles of a pairhub process while a figure runs, summarized for the report."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PY_SPY = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
_WAITS = {
    "Runner.run (asyncio.runners)": "waiting: the event loop's select",
    "_worker (concurrent.futures.thread)": "waiting: an idle thread-pool thread",
    "EpollSelector.select (selectors)": "waiting: the event loop's select",
    "Doorbell.listen.<locals>.hear (pairhub.adapters.sql.doorbell)": "waiting: the SQLite doorbell",
}
"""Innermost Python frames of threads blocked in C that py-spy may still count: named for what they are."""
_FRAME = re.compile(r"^(?P<function>.+?) \((?P<file>[^()]*?)(?::\d+)?\)$")


@dataclass(frozen=True)
class Profile:
    """Where the sampled process spent its time: by innermost function and by pairhub function."""

    samples: int
    own: list[tuple[str, float]]
    """(function, share of samples) where the time was spent, most first."""
    within: list[tuple[str, float]]
    """(pairhub function, share of samples with it on the stack), most first."""

    def markdown(self, top: int = 8) -> list[str]:
        """Bullet lines for the report."""
        own = ", ".join(f"{name} {share:.0%}" for name, share in self.own[:top])
        within = ", ".join(f"{name} {share:.0%}" for name, share in self.within[:top])
        return [
            f"- {self.samples:,} samples of the serve process (py-spy, active threads only)",
            f"- time spent in: {own}",
            f"- pairhub frames on the stack: {within}",
        ]


def available() -> bool:
    """True when py-spy is installed and may attach (ptrace) here."""
    return Path(PY_SPY).exists()


@contextmanager
def recording(pid: int, out: Path, rate: int = 50) -> Iterator[Path]:
    """Sample `pid` while the block runs; the collapsed stacks are in `out` afterwards.

    Non-blocking: pausing the process for every sample slowed the very figure being measured.
    """
    process = subprocess.Popen(
        [
            PY_SPY,
            "record",
            "-p",
            str(pid),
            "--format",
            "raw",
            "-o",
            str(out),
            "-r",
            str(rate),
            "--nonblocking",
            "--subprocesses",  # `serve --workers N` does its work in child processes
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield out
    finally:
        # SIGINT makes py-spy write what it sampled so far.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _name(frame: str) -> str:
    found = _FRAME.match(frame.strip())
    if not found:
        return frame.strip()
    path = found["file"]
    module = path.rsplit("site-packages/", 1)[-1].rsplit("/src/", 1)[-1].removesuffix(".py")
    return f"{found['function']} ({module.replace('/', '.')})"


def summarize(raw: Path) -> Profile | None:
    """Own time by innermost frame and inclusive time of pairhub frames, from py-spy's raw output."""
    if not raw.exists():
        return None
    own: Counter[str] = Counter()
    within: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_name(frame) for frame in stack.split(";")[1:]]  # the first is the thread
        if not frames:
            continue
        total += count
        own[_WAITS.get(frames[-1], frames[-1])] += count
        for name in {frame for frame in frames if "(pairhub." in frame}:
            within[name] += count
    if not total:
        return None
    return Profile(
        total,
        [(name, n / total) for name, n in own.most_common(20)],
        [(name, n / total) for name, n in within.most_common(20)],
    )
