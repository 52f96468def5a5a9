"""The `pairhub` command line: running pairhub (`serve`, `worker`), its database (`db`), a new secret key
and the schemas; administration and tools beside a running pairhub live apart (`cli_admin`, `cli_tools`)."""

from __future__ import annotations

import os
import secrets
import socket
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pairhub import __version__, bootstrap
from pairhub.config import Settings
from pairhub.contract import schemas
from pairhub.domain.audit import COMMAND_LINE
from pairhub.entrypoints import cli_tools
from pairhub.entrypoints.cli_admin import admin_app, keys_app, org_app
from pairhub.entrypoints.cli_container import console, opened, read_settings, started
from pairhub.entrypoints.cli_help import Typer
from pairhub.entrypoints.startup import EXIT_MISCONFIGURED, refusing_misconfiguration, say
from pairhub.services import audit

app = Typer(
    help="pairhub: pair telematics units with assets, deliver Datahub webhooks.",
    rich_markup_mode="rich",
)
db_app = Typer(help="Database maintenance.", rich_markup_mode="rich")


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command("secret-key")
def secret_key() -> None:
    """Print a new key for PAIRHUB_SECRET_KEY (URL-safe base64 of 32 random bytes)."""
    typer.echo(bootstrap.new_secret_key())


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.", metavar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", metavar="PORT")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Seed an empty database with a demo.")] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=0,
            max=64,
            metavar="N",
            help="Run N API processes on the port plus one delivery and scheduler process "
            "(0: everything in one process).",
        ),
    ] = 0,
) -> None:
    """Run the API, the UI, the delivery worker and the scheduler (in one process unless --workers)."""
    from pairhub.entrypoints import demo as demo_mode

    if demo and workers:
        console.print("[red]--demo runs in one process:[/red] leave out --workers.", soft_wrap=True)
        raise typer.Exit(2)
    # The demo runs on a compressed clock and delivers to its own built-in receiver on loopback.
    with refusing_misconfiguration():
        settings = demo_mode.demo_settings() if demo else Settings()
    # Bind before connecting to anything: a second `serve` on the same port says so at once, and
    # "listening" is printed only once it is true.
    listener = _bind(host, port)
    if workers:
        _serve_processes(listener, workers, settings, f"http://{host}:{port}")
        return
    bootstrap.configure_logging(settings.log_format)
    container = started(settings)
    base_url = f"http://{host}:{port}"
    with audit.acting_as(COMMAND_LINE):  # the demo's set-up is the operator's command, not auto pairing
        plan = demo_mode.seed_demo(container, base_url, console) if demo else None
    _announce(container, base_url)
    from pairhub.entrypoints.api.app import create_app
    from pairhub.entrypoints.processes import serve_api
    from pairhub.entrypoints.worker import start_background

    application = create_app(
        container,
        demo_mode.with_simulation(partial(start_background, deliver=settings.serve_delivery), plan),
    )
    if demo:
        demo_mode.install_receiver(application)
    serve_api(application, listener)


def _serve_processes(listener: socket.socket, workers: int, settings: Settings, base_url: str) -> None:
    """`serve --workers N`: migrate once, then run N API processes and one background process."""
    from pairhub.entrypoints import processes

    if bootstrap.database_file(settings.database_url) is not None:
        # Another process's unpairing cannot be heard on SQLite: API processes read every unit.
        os.environ["PAIRHUB_PAIRED_UNITS_CACHE"] = "false"
    bootstrap.configure_logging(settings.log_format)
    # The parent finds every misconfiguration before any child starts: one line, not one per child.
    container = started(settings)
    container.close()
    # The children read the same environment: they must agree on the secrets generated here.
    os.environ["PAIRHUB_ADMIN_TOKEN"] = container.admin_token
    os.environ.setdefault("PAIRHUB_UI_SESSION_KEY", secrets.token_hex(32))

    def announce() -> None:
        _announce(container, base_url)
        console.print(f"{workers} API process(es) and one delivery/scheduler process.", soft_wrap=True)

    code = processes.run(listener, workers, announce)
    if code == EXIT_MISCONFIGURED:
        raise typer.Exit(code)
    if code:
        console.print("[red]A pairhub process ended unexpectedly; stopped the others.[/red]")
        raise typer.Exit(code)


def _bind(host: str, port: int) -> socket.socket:
    try:
        return socket.create_server((host, port), family=_family(host))
    except OSError as error:
        say(
            f"--port {port}: cannot listen on {host}:{port} ({os.strerror(error.errno or 0)}); is another "
            "pairhub running there? Choose another port with --port (or another --host)."
        )
        raise typer.Exit(EXIT_MISCONFIGURED) from None


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _announce(container: bootstrap.Container, base_url: str) -> None:
    """Say where the server is, which database it uses, and how to sign in."""
    if container.admin_token_generated:
        console.print(
            f"[bold]Admin token[/bold] (generated for this run; set PAIRHUB_ADMIN_TOKEN to keep one): "
            f"{container.admin_token}",
            soft_wrap=True,
        )
    console.print(f"Database: {_describe_database(container.settings.database_url)}", soft_wrap=True)
    if container.secret_key_file is not None:
        console.print(
            f"Secret key: {container.secret_key_file} (back it up with the database)",
            soft_wrap=True,
        )
    console.print(
        f"pairhub {__version__} listening on {base_url}  (API docs: {base_url}/docs)", soft_wrap=True
    )
    console.print(
        f"Sign in at {base_url}/ui as a person (until a platform admin exists, with the admin token).",
        soft_wrap=True,
    )


def _describe_database(url: str) -> str:
    path = bootstrap.database_file(url)
    if path is None:
        return bootstrap.shown_url(url)
    return f"{path} (SQLite; stop pairhub and delete this file to start afresh)"


@app.command()
def worker(
    mqtt: Annotated[
        bool,
        typer.Option(
            help="Take unit messages over MQTT too when PAIRHUB_MQTT_URL is set. The shipped worker units "
            "pass --no-mqtt: `pairhub serve` takes them, and every subscribing process needs a partition "
            "of its own (PAIRHUB_MQTT_PARTITION)."
        ),
    ] = True,
) -> None:
    """Run only the delivery worker and the scheduler (scale-out on PostgreSQL)."""
    settings = read_settings()
    bootstrap.configure_logging(settings.log_format)
    container = started(settings)
    from pairhub.entrypoints.worker import run_forever

    run_forever(container, mqtt=mqtt)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema."""
    started(read_settings())
    console.print("Database is at the newest revision.")


@db_app.command("stats")
def db_stats() -> None:
    """Print each table's rows, size on disk (indexes included) and oldest row."""
    from datetime import UTC, datetime

    with opened() as container:
        tables = container.table_stats()
    out = Console(highlight=False, soft_wrap=True)
    out.print(f"{'table':<24} {'rows':>12} {'size':>12}  oldest row")
    total = 0
    for stats in tables:
        total += stats.bytes or 0
        size = "?" if stats.bytes is None else f"{stats.bytes / 1_048_576:.1f} MiB"
        oldest = (
            "-"
            if stats.oldest_ms is None
            else datetime.fromtimestamp(stats.oldest_ms / 1000, UTC).isoformat()
        )
        out.print(f"{stats.name:<24} {stats.rows:>12} {size:>12}  {oldest}")
    out.print(f"{'total':<24} {'':>12} {total / 1_048_576:>8.1f} MiB")


@db_app.command("backup")
def db_backup(
    target: Annotated[Path, typer.Argument(metavar="FILE", help="The new backup file.")],
) -> None:
    """Copy a SQLite database while pairhub runs (SQLite's online backup API); pg_dump for PostgreSQL."""
    settings = read_settings()
    source = bootstrap.database_file(settings.database_url)
    if source is None or not source.exists():
        console.print(
            "[red]pairhub db backup copies a SQLite database file;[/red] for PostgreSQL use pg_dump "
            "(docs/deploy.md).",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    try:
        pages = bootstrap.back_up_database_file(source, target)
    except FileExistsError as error:
        console.print(f"[red]{error}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(f"Backed up {source} to {target} ({pages} pages). Keep the secret key with it, apart.")


@app.command("schemas")
def write_schemas(
    out: Annotated[Path, typer.Option(help="Directory to write the JSON Schemas into.", metavar="DIR")],
) -> None:
    """Write the published JSON Schemas of every payload."""
    for path in schemas.write_all(out):
        typer.echo(path)


cli_tools.install(app)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
app.add_typer(org_app, name="org")
app.add_typer(keys_app, name="keys")


def main() -> None:
    """Console-script entry point."""
    app()
