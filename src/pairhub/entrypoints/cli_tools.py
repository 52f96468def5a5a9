"""Tools beside a running pairhub: `pairhub listen` (a local webhook receiver), `pairhub simulate` (unit
traffic over MQTT) and `pairhub import-assets` (a CSV through the API)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from pairhub.entrypoints import listing
from pairhub.entrypoints.cli_container import console
from pairhub.entrypoints.cli_help import Typer


def install(app: Typer) -> None:
    """Add these commands to the `pairhub` command line."""
    app.command()(listen)
    app.command()(simulate)
    app.command("import-assets")(import_assets_command)


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
