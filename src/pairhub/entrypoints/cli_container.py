"""The container a command works on: settings and a migrated database, each misconfiguration one line and
exit 2; a use case run as the command line, each refusal one line and exit 1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from pairhub import bootstrap
from pairhub.config import Settings
from pairhub.domain.audit import COMMAND_LINE
from pairhub.domain.errors import DomainError
from pairhub.entrypoints.startup import refusing_misconfiguration
from pairhub.services import audit

console = Console(stderr=True)
"""Where commands speak to the operator (stdout is kept for what a command prints as its result)."""


def started(settings: Settings | None = None) -> bootstrap.Container:
    """A container on a migrated database; a misconfiguration is one line and exit 2, not a traceback."""
    with refusing_misconfiguration():
        container = bootstrap.build(settings)
        container.migrate()
    return container


def read_settings() -> Settings:
    """The settings of the environment; a bad one is one line naming it and exit 2."""
    with refusing_misconfiguration():
        return Settings()


def _existing_database() -> bootstrap.Container:
    """A container on the configured database, refusing to create a new SQLite file as a side effect."""
    settings = read_settings()
    path = bootstrap.database_file(settings.database_url)
    if path is not None and not path.exists():
        console.print(
            f"[red]No pairhub database at {path}.[/red] Run this from the folder where `pairhub serve` "
            "runs, or set PAIRHUB_DATABASE_URL (`pairhub db upgrade` creates a new database).",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    return started(settings)


@contextmanager
def opened() -> Iterator[bootstrap.Container]:
    """The existing database for one command, closed when it is done (not left to the garbage collector)."""
    container = _existing_database()
    try:
        yield container
    finally:
        container.close()


@contextmanager
def use_case() -> Iterator[None]:
    """Run a use case as the command line: its changes audited as such, a refusal one line (exit 1)."""
    try:
        with audit.acting_as(COMMAND_LINE):
            yield
    except DomainError as refusal:
        console.print(f"[red]{refusal.code}:[/red] {refusal.detail}", soft_wrap=True)
        raise typer.Exit(1) from refusal
