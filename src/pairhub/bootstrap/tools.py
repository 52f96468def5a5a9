"""What the command line uses before or beside a container: a new secret key, the SQLite file of a
database URL, a URL fit to show, and a copy of a live SQLite file."""

from __future__ import annotations

from pathlib import Path

from pairhub.adapters.secret_box import new_key
from pairhub.adapters.sql.backup import backup_sqlite
from pairhub.adapters.sql.engine import safe_url, sqlite_path


def new_secret_key() -> str:
    """A fresh key for `PAIRHUB_SECRET_KEY` (`pairhub secret-key`)."""
    return new_key()


def database_file(url: str) -> Path | None:
    """The SQLite file of a database URL; None for PostgreSQL and in-memory SQLite."""
    return sqlite_path(url)


def shown_url(url: str) -> str:
    """A database URL fit for logs and terminals (no password)."""
    return safe_url(url)


def back_up_database_file(source: Path, target: Path) -> int:
    """Copy a live SQLite database file to `target`, a new file (`pairhub db backup`); the pages copied."""
    return backup_sqlite(source, target)
