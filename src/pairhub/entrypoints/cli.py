"""The `pairhub` command line."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from pairhub import __version__, bootstrap
from pairhub.adapters import logging as pairhub_logging
from pairhub.config import Settings
from pairhub.contract import schemas
from pairhub.domain.audit import COMMAND_LINE
from pairhub.domain.errors import DomainError
from pairhub.entrypoints import cli_people, listing
from pairhub.entrypoints.cli_help import Typer
from pairhub.entrypoints.startup import EXIT_MISCONFIGURED, refusing_misconfiguration, say
from pairhub.services import audit

app = Typer(
    help="pairhub: pair telematics units with assets, deliver Datahub webhooks.",
    rich_markup_mode="rich",
)
db_app = Typer(help="Database maintenance.", rich_markup_mode="rich")
admin_app = Typer(help="Administration without the HTTP API.", rich_markup_mode="rich")
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
org_app = Typer(help="One organization's data.", rich_markup_mode=None)
app.add_typer(org_app, name="org")
console = Console(stderr=True)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command("secret-key")
def secret_key() -> None:
    """Print a new key for PAIRHUB_SECRET_KEY (URL-safe base64 of 32 random bytes)."""
    typer.echo(bootstrap.new_secret_key())


def _started(settings: Settings | None = None) -> bootstrap.Container:
    """A container on a migrated database; a misconfiguration is one line and exit 2, not a traceback."""
    with refusing_misconfiguration():
        container = bootstrap.build(settings)
        container.migrate()
    return container


def _settings() -> Settings:
    """The settings of the environment; a bad one is one line naming it and exit 2."""
    with refusing_misconfiguration():
        return Settings()


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
    pairhub_logging.configure(settings.log_format)
    container = _started(settings)
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
    pairhub_logging.configure(settings.log_format)
    # The parent finds every misconfiguration before any child starts: one line, not one per child.
    container = _started(settings)
    container.close()
    # The children read the same environment: they must agree on the secrets generated here.
    os.environ["PAIRHUB_ADMIN_TOKEN"] = container.admin_token
    os.environ.setdefault("PAIRHUB_UI_SESSION_KEY", secrets.token_hex(32))

    def started() -> None:
        _announce(container, base_url)
        console.print(f"{workers} API process(es) and one delivery/scheduler process.", soft_wrap=True)

    code = processes.run(listener, workers, started)
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


def _existing_database() -> bootstrap.Container:
    """A container on the configured database, refusing to create a new SQLite file as a side effect."""
    settings = _settings()
    path = bootstrap.database_file(settings.database_url)
    if path is not None and not path.exists():
        console.print(
            f"[red]No pairhub database at {path}.[/red] Run this from the folder where `pairhub serve` "
            "runs, or set PAIRHUB_DATABASE_URL (`pairhub db upgrade` creates a new database).",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    return _started(settings)


@contextmanager
def _opened() -> Iterator[bootstrap.Container]:
    """The existing database for one command, closed when it is done (not left to the garbage collector)."""
    container = _existing_database()
    try:
        yield container
    finally:
        container.close()


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
    settings = _settings()
    pairhub_logging.configure(settings.log_format)
    container = _started(settings)
    from pairhub.entrypoints.worker import run_forever

    run_forever(container, mqtt=mqtt)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema."""
    _started(_settings())
    console.print("Database is at the newest revision.")


@db_app.command("stats")
def db_stats() -> None:
    """Print each table's rows, size on disk (indexes included) and oldest row."""
    from datetime import UTC, datetime

    with _opened() as container:
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
    settings = _settings()
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


@contextmanager
def _use_case() -> Iterator[None]:
    """Run a use case as the command line: its changes audited as such, a refusal one line (exit 1)."""
    try:
        with audit.acting_as(COMMAND_LINE):
            yield
    except DomainError as refusal:
        console.print(f"[red]{refusal.code}:[/red] {refusal.detail}", soft_wrap=True)
        raise typer.Exit(1) from refusal


@admin_app.command("create-organization")
def admin_create_organization(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The organization's name.")],
    auto_pairing: Annotated[bool, typer.Option("--auto-pairing", help="Enable auto pairing.")] = False,
) -> None:
    """Create an organization and print its id."""
    with _opened() as container, _use_case():
        organization = container.organizations.create(name, auto_pairing, True)
    typer.echo(organization.id)


@admin_app.command("create-key")
def admin_create_key(
    organization_id: Annotated[str, typer.Argument(metavar="ORG", help="The organization's id.")],
    name: Annotated[str, typer.Option(help="A name to recognise the key by.")] = "admin create-key",
) -> None:
    """Create a full API key for an organization and print it (shown once)."""
    with _opened() as container, _use_case():
        _, key = container.organizations.create_api_key(
            organization_id, name=name, created_by=COMMAND_LINE.name
        )
    typer.echo(key)


@admin_app.command("create-unit")
def admin_create_unit(
    organization_id: Annotated[str, typer.Argument(metavar="ORG", help="The organization's id.")],
    unit_id: Annotated[str, typer.Argument(metavar="UNIT", help="The unit's id.")],
) -> None:
    """Provision a unit for an organization."""
    with _opened() as container, _use_case():
        container.units.provision(organization_id, unit_id)
    typer.echo(unit_id)


@org_app.command("export")
def org_export(
    organization_id: Annotated[str, typer.Argument(metavar="ORG", help="The organization's id.")],
) -> None:
    """Print all of an organization's data as JSON Lines (secrets never)."""
    import orjson

    with _opened() as container:
        with _use_case():
            container.organizations.get(organization_id)
        out = typer.get_binary_stream("stdout")
        for item in container.organization_data.export(organization_id):
            out.write(orjson.dumps(item) + b"\n")


@app.command()
def listen(
    secret: Annotated[
        list[str] | None,
        typer.Option(help="HMAC signing secret, whsec_... (repeat during a rotation).", metavar="SECRET"),
    ] = None,
    public_key: Annotated[
        list[str] | None,
        typer.Option(
            help="Public key of an ed25519 subscription, whpk_... (repeat during a rotation).", metavar="KEY"
        ),
    ] = None,
    port: Annotated[int, typer.Option(help="Port to listen on.", metavar="PORT")] = 8100,
    host: Annotated[str, typer.Option(help="Interface to listen on.", metavar="HOST")] = "127.0.0.1",
    forward: Annotated[
        str | None, typer.Option(help="Forward verified batches to this URL.", metavar="URL")
    ] = None,
    raw_json: Annotated[
        bool, typer.Option("--json", help="Print raw JSON instead of one line per event.")
    ] = False,
    tolerance: Annotated[
        float, typer.Option(help="Accepted clock skew of webhook-timestamp, s.", metavar="SECONDS")
    ] = 300,
) -> None:
    """A local receiver: verify signatures (401 when bad or stale), print batches, forward them."""
    from pairhub.entrypoints.listen import ListenOptions, run

    if not secret and not public_key:
        console.print("[red]Give --secret (HMAC subscriptions) or --public-key (ed25519), or both.[/red]")
        raise typer.Exit(2)
    for key in public_key or []:
        if not key.startswith("whpk_") or not _is_public_key(key):
            console.print(f"[red]{key!r} is not a public key (whpk_ and the base64 of 32 bytes).[/red]")
            raise typer.Exit(2)
    options = ListenOptions(list(secret or []), raw_json, forward, tolerance, list(public_key or []))
    run(options, host, port, Console(highlight=False))


def _is_public_key(key: str) -> bool:
    from pairhub.receiver.signing import public_key_bytes

    try:
        public_key_bytes(key)
    except ValueError:
        return False
    return True


@app.command()
def simulate(
    mqtt: Annotated[str, typer.Option(help="Broker URL (mqtt://user:pass@host:1883).", metavar="URL")],
    units: Annotated[int, typer.Option(help="How many units report.", metavar="N", min=1)] = 100,
    rate: Annotated[float, typer.Option(help="Messages per second, all units together.", metavar="R")] = 10.0,
    duration: Annotated[
        float | None,
        typer.Option(help="Stop after this many seconds (default: run until Ctrl-C).", metavar="S"),
    ] = None,
    unit_prefix: Annotated[str, typer.Option(help="Unit ids are this prefix and a number.")] = "sim:",
    vin_prefix: Annotated[
        str, typer.Option(help="Reported VINs are this prefix and the number.")
    ] = "WDB96340",
    topic: Annotated[
        str | None,
        typer.Option(
            help="Topic pattern, its `+` the unit id (default: PAIRHUB_MQTT_TOPIC).", metavar="TOPIC"
        ),
    ] = None,
) -> None:
    """Publish unit traffic over MQTT: each unit reports its VIN and a drifting position."""
    import asyncio
    import contextlib
    import os

    from pairhub.entrypoints.simulate import DEFAULT_TOPIC, Outcome, Simulation, run, say, topic_refusal
    from pairhub.ports.broker import Broker

    pattern = topic or os.environ.get("PAIRHUB_MQTT_TOPIC") or DEFAULT_TOPIC
    try:
        broker = Broker.parse(mqtt)
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    refused = topic_refusal(pattern)
    if refused:
        console.print(f"[red]{refused}[/red]")
        raise typer.Exit(2)
    plan = Simulation(units, rate, duration, unit_prefix, vin_prefix, pattern)
    console.print(
        f"Publishing for units {plan.unit_id(1)}..{plan.unit_id(units)} at {rate:g} messages/s to "
        f"{broker.host}:{broker.port} on {pattern} (VINs {plan.vin(1)}..{plan.vin(units)}).",
        soft_wrap=True,
    )
    outcome = Outcome()
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends the run; the outcome so far is said
        asyncio.run(run(plan, broker, outcome))
    for line in say(plan, outcome):
        console.print(line, soft_wrap=True)


@app.command("import-assets")
def import_assets_command(
    organization_id: Annotated[str, typer.Argument(metavar="ORG", help="The organization's id.")],
    file: Annotated[Path, typer.Argument(metavar="FILE", exists=True, dir_okay=False, help="The CSV file.")],
    url: Annotated[str, typer.Option(help="Base URL of the pairhub API.", metavar="URL")] = (
        "http://127.0.0.1:8000"
    ),
    token: Annotated[
        str,
        typer.Option(help="Organization API key or admin token.", envvar="PAIRHUB_TOKEN", metavar="TOKEN"),
    ] = "",
) -> None:
    """Import a `vin,name` CSV through the API (VIN optional); re-runs add nothing; refusals: 20 listed."""
    from pairhub.entrypoints.import_assets import ImportFailed, import_assets

    # The file's own text is printed back: no rich markup, so `[red]` in a name stays as written.
    out = Console(highlight=False, soft_wrap=True, markup=False)
    try:
        report = import_assets(url, token, organization_id, file, console)
    except ImportFailed as error:
        # One line whatever the terminal's width: the server's message is never wrapped mid-word.
        console.print(f"[red]Import failed:[/red] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(2) from error
    for line, warning in report.warnings:
        out.print(f"line {line}: warning: {warning}")
    listed, _ = listing.capped(report.refused)
    for line, vin, reason in listed:
        out.print(f"line {line}: {vin or '(no VIN)'}: {reason}")
    if report.refused_count > len(listed):
        out.print(f"... and {report.refused_count - len(listed)} more refused lines")
    out.print(f"{report.created} created, {report.existing} already present, {report.refused_count} refused")
    if report.refused_count:
        raise typer.Exit(1)


cli_people.install(admin_app, app, _opened, _use_case)


def main() -> None:
    """Console-script entry point."""
    app()
