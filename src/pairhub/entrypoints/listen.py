"""`pairhub listen`: a local receiver that verifies signatures and pretty-prints batches."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web
from rich.console import Console
from rich.markup import escape

from pairhub.receiver import InMemoryDedupeStore, InvalidSignature, Location, PairedEvent, parse_batch, verify
from pairhub.receiver.signing import body_signature, same_text

_HOP_BY_HOP = {"host", "content-length", "connection", "transfer-encoding"}


@dataclass
class ListenOptions:
    """How the listener verifies, prints and forwards."""

    secrets: list[str]
    raw_json: bool = False
    forward_url: str | None = None
    tolerance_s: float = 300
    public_keys: list[str] = field(default_factory=list)
    """`whpk_` keys of ed25519 subscriptions: their requests carry `v1a` signatures and no body hash."""


def _check_body_signature(secrets: list[str], headers: dict[str, str], body: bytes) -> None:
    offered = headers.get("x-signature-256")
    if offered is None:
        raise InvalidSignature("missing header x-signature-256")
    if not any(same_text(body_signature(secret, body), offered) for secret in secrets):
        raise InvalidSignature("x-signature-256 does not match")


def _hmac_signed(headers: dict[str, str]) -> bool:
    # An ed25519 request (`v1a` only) has no shared secret for a body hash; an HMAC one must carry it.
    return any(part.startswith("v1,") for part in headers.get("webhook-signature", "").split())


def _fields(pairs: tuple[tuple[str, object], ...]) -> str:
    return " ".join(f"{name}={escape(str(value))}" for name, value in pairs if value)


def _at(location: Location | None) -> str | None:
    return None if location is None else f"{location.latitude},{location.longitude}"


def describe(body: bytes, duplicate: bool = False) -> list[str]:
    """One rich-markup line per event of a batch; a redelivered batch is marked as a duplicate."""
    batch = parse_batch(body)
    mark = " [magenta]duplicate (seen before; a receiver ignores it)[/magenta]" if duplicate else ""
    lines = [f"[bold]batch[/bold] {batch.batch_id} ({len(batch.events)} events){mark}"]
    for event in batch.events:
        when = event.registered_on.strftime("%H:%M:%S.%f")[:-3]
        if isinstance(event, PairedEvent):
            colour = "green" if event.succeeded else "red"
            details = _fields(
                (
                    ("asset", event.asset_id),
                    ("assetVIN", event.asset_vin),
                    ("sensorVIN", event.sensor_vin),
                    ("candidates", ",".join(event.candidate_asset_ids) or None),
                    ("at", _at(event.location)),
                )
            )
            lines.append(
                f"  {when} [{colour}]unit.paired {event.status:<7} {event.reason:<18}[/{colour}] "
                f"{escape(event.unit_id)} {details}"
            )
        else:
            details = _fields((("asset", event.asset_id), ("assetVIN", event.asset_vin)))
            lines.append(
                f"  {when} [yellow]unit.unpaired {'':<26}[/yellow] {escape(event.unit_id)} {details}"
            )
    return lines


def build_app(options: ListenOptions, console: Console) -> web.Application:
    """The aiohttp application of the listener."""
    seen = InMemoryDedupeStore()

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        headers = {key.lower(): value for key, value in request.headers.items()}
        try:
            verify([*options.secrets, *options.public_keys], headers, body, tolerance_s=options.tolerance_s)
            if _hmac_signed(headers):
                _check_body_signature(options.secrets, headers, body)
        except InvalidSignature as error:
            console.print(f"[red]refused[/red] {escape(str(error))}")
            return web.json_response({"error": str(error)}, status=401)
        duplicate = not seen.add(headers.get("webhook-id", ""))
        if options.raw_json:
            console.print_json(body.decode())
        else:
            for line in describe(body, duplicate):
                console.print(line)
        if options.forward_url:
            forwarded = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
            async with (
                aiohttp.ClientSession() as session,
                session.post(options.forward_url, data=body, headers=forwarded) as answer,
            ):
                text = await answer.text()
                return web.Response(status=answer.status, text=text)
        return web.json_response({"received": json.loads(body)["eventBatchId"]})

    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_post("/{tail:.*}", receive)
    return app


def run(options: ListenOptions, host: str, port: int, console: Console) -> None:
    """Serve until interrupted."""
    console.print(f"Listening on http://{host}:{port}/ for signed pairhub batches")
    web.run_app(build_app(options, console), host=host, port=port, print=None)
