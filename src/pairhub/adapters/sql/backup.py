"""`pairhub db backup` for SQLite: a consistent copy of a live database through SQLite's backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

PAGES_PER_STEP = 1024
"""Pages copied per step; between steps writers of the live database go on."""


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy `source` to `target` (a new file) while pairhub may be running; returns the pages copied."""
    if target.exists():
        raise FileExistsError(f"{target} exists; choose a new file")
    copied = 0

    def progress(_status: int, remaining: int, total: int) -> None:
        nonlocal copied
        copied = total - remaining

    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as live, sqlite3.connect(target) as copy:
        live.backup(copy, pages=PAGES_PER_STEP, progress=progress)
    return copied
