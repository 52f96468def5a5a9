"""The `pairhub` command line."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from pairhub import __version__, bootstrap
from pairhub.adapters import logging as pairhub_logging
from pairhub.config import Settings
from pairhub.contract import schemas

app = typer.Typer(help="pairhub: pair telematics units with assets, deliver Datahub webhooks.")
db_app = typer.Typer(help="Database maintenance.")
admin_app = typer.Typer(help="Administration without the HTTP API.")
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
console = Console(stderr=True)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option(help="Seed an empty database with a demo.")] = False,
) -> None:
    """Run the API, the UI, the delivery worker and the scheduler in one process."""
    from pairhub.entrypoints import demo as demo_mode

    # The demo runs on a compressed clock and delivers to its own built-in receiver on loopback.
    settings = demo_mode.demo_settings() if demo else Settings()
    pairhub_logging.configure(settings.log_format)
    container = bootstrap.build(settings)
    container.migrate()
    plan = demo_mode.seed_demo(container, f"http://{host}:{port}", console) if demo else None
    if container.admin_token_generated:
        console.print(
            f"[bold]Admin token[/bold] (generated, set PAIRHUB_ADMIN_TOKEN to fix it): "
            f"{container.admin_token}"
        )
    console.print(f"pairhub {__version__} listening on http://{host}:{port}  (API docs: /docs)")
    from pairhub.entrypoints.api.app import create_app
    from pairhub.entrypoints.worker import start_background

    application = create_app(
        container,
        demo_mode.with_simulation(partial(start_background, deliver=settings.serve_delivery), plan),
    )
    if demo:
        demo_mode.install_receiver(application)
    uvicorn.run(
        application,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )


@app.command()
def worker() -> None:
    """Run only the delivery worker and the scheduler (scale-out on PostgreSQL)."""
    settings = Settings()
    pairhub_logging.configure(settings.log_format)
    container = bootstrap.build(settings)
    container.migrate()
    from pairhub.entrypoints.worker import run_forever

    run_forever(container)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema."""
    container = bootstrap.build()
    container.migrate()
    console.print("Database is at the newest revision.")


@app.command("schemas")
def write_schemas(
    out: Annotated[Path, typer.Option(help="Directory to write the JSON Schemas into.")],
) -> None:
    """Write the published JSON Schemas of every payload."""
    for path in schemas.write_all(out):
        typer.echo(path)


@admin_app.command("create-organization")
def admin_create_organization(
    name: str,
    auto_pairing: Annotated[bool, typer.Option(help="Enable auto pairing.")] = False,
) -> None:
    """Create an organization and print its id."""
    container = bootstrap.build()
    container.migrate()
    row = container.organizations.create(name, auto_pairing, True)
    typer.echo(row.id)


@admin_app.command("create-key")
def admin_create_key(organization_id: str) -> None:
    """Create an API key for an organization and print it (shown once)."""
    container = bootstrap.build()
    container.migrate()
    _, key = container.organizations.create_api_key(organization_id)
    typer.echo(key)


@admin_app.command("create-unit")
def admin_create_unit(organization_id: str, unit_id: str) -> None:
    """Provision a unit for an organization."""
    container = bootstrap.build()
    container.migrate()
    container.units.provision(organization_id, unit_id)
    typer.echo(unit_id)


@app.command()
def listen(
    secret: Annotated[list[str], typer.Option(help="Signing secret (repeat during a rotation).")],
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8100,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    forward: Annotated[str | None, typer.Option(help="Forward verified batches to this URL.")] = None,
    raw_json: Annotated[
        bool, typer.Option("--json", help="Print raw JSON instead of one line per event.")
    ] = False,
    tolerance: Annotated[float, typer.Option(help="Accepted clock skew of webhook-timestamp, s.")] = 300,
) -> None:
    """A local receiver: verify signatures (401 when bad or stale), print batches, forward them."""
    from pairhub.entrypoints.listen import ListenOptions, run

    options = ListenOptions(list(secret), raw_json, forward, tolerance)
    run(options, host, port, Console(highlight=False))


@app.command("import-assets")
def import_assets_command(
    organization_id: Annotated[str, typer.Argument(metavar="ORG")],
    file: Annotated[Path, typer.Argument(metavar="FILE.csv", exists=True, dir_okay=False)],
    url: Annotated[str, typer.Option(help="Base URL of the pairhub API.")] = "http://127.0.0.1:8000",
    token: Annotated[
        str, typer.Option(help="Organization API key or admin token.", envvar="PAIRHUB_TOKEN")
    ] = "",
) -> None:
    """Import a `vin,name` CSV through the API; re-runs add nothing; refused lines are listed."""
    from pairhub.entrypoints.import_assets import ImportFailed, import_assets

    out = Console(highlight=False, soft_wrap=True)
    try:
        report = import_assets(url, token, organization_id, file, console)
    except ImportFailed as error:
        console.print(f"[red]Import failed:[/red] {error}")
        raise typer.Exit(2) from error
    for line, vin, reason in report.refused:
        out.print(f"line {line}: {vin or '(no VIN)'}: {reason}")
    out.print(f"{report.created} created, {report.existing} already present, {len(report.refused)} refused")
    if report.refused:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    app()
