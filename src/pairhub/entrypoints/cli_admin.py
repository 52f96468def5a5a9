"""Administration without the HTTP API: `pairhub admin` (organizations, keys, units, people),
`pairhub org export` and `pairhub keys list|create|revoke`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from pairhub.domain.audit import COMMAND_LINE
from pairhub.domain.organizations import KeyScope
from pairhub.domain.people import MemberRole
from pairhub.entrypoints.cli_container import opened, use_case
from pairhub.entrypoints.cli_help import Typer

admin_app = Typer(help="Administration without the HTTP API.", rich_markup_mode="rich")
org_app = Typer(help="One organization's data.", rich_markup_mode=None)
keys_app = Typer(help="An organization's API keys: list, create, revoke.", rich_markup_mode=None)


def _when(epoch_ms: int | None) -> str:
    if epoch_ms is None:
        return "-"
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@admin_app.command("create-organization")
def admin_create_organization(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The organization's name.")],
    auto_pairing: Annotated[bool, typer.Option("--auto-pairing", help="Enable auto pairing.")] = False,
) -> None:
    """Create an organization and print its id."""
    with opened() as container, use_case():
        organization = container.organizations.create(name, auto_pairing, True)
    typer.echo(organization.id)


@admin_app.command("create-key")
def admin_create_key(
    organization_id: Annotated[str, typer.Argument(metavar="ORG", help="The organization's id.")],
    name: Annotated[str, typer.Option(help="A name to recognise the key by.")] = "admin create-key",
) -> None:
    """Create a full API key for an organization and print it (shown once)."""
    with opened() as container, use_case():
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
    with opened() as container, use_case():
        container.units.provision(organization_id, unit_id)
    typer.echo(unit_id)


@admin_app.command("create-user")
def create_user(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The person's email, to sign in with.")],
    platform_admin: Annotated[
        bool, typer.Option("--platform-admin", help="May manage every organization and person.")
    ] = False,
    name: Annotated[str, typer.Option(help="The name others see (default: the email).")] = "",
    organization: Annotated[
        str | None, typer.Option(help="An organization the person joins.", metavar="ORG_ID")
    ] = None,
    role: Annotated[MemberRole, typer.Option(help="The role in --organization.")] = MemberRole.VIEWER,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
) -> None:
    """Create a person with a password (prompted, or read from stdin) and print their id."""
    password = _read_password(password_stdin)
    with opened() as container, use_case():
        person = container.people.create(
            email,
            name,
            password,
            platform_admin=platform_admin,
            organization_id=organization,
            role=role if organization else None,
        )
    typer.echo(person.id)


@keys_app.command("list")
def list_keys(
    organization_id: Annotated[str, typer.Argument(metavar="ORG", help="The organization's id.")],
) -> None:
    """List the organization's keys (never the keys themselves)."""
    with opened() as container, use_case():
        page = container.organizations.api_keys(organization_id, None, 1000)
    for key in page.items:
        typer.echo(
            f"{key.id}  {key.prefix}…  {key.scope.value:<6}  {key.name or '-'}  "
            f"made {_when(key.created_at)} by {key.created_by or '-'}  "
            f"last used {_when(key.last_used_at)}  expires {_when(key.expires_at)}"
        )


@keys_app.command("create")
def create_key(
    organization_id: Annotated[str, typer.Argument(metavar="ORG", help="The organization's id.")],
    name: Annotated[str, typer.Option(help="A name to recognise the key by.")] = "",
    scope: Annotated[KeyScope, typer.Option(help="full, read or ingest.")] = KeyScope.FULL,
    expires_in_days: Annotated[
        int | None, typer.Option(min=1, max=3650, help="Days until it stops working (default: never).")
    ] = None,
) -> None:
    """Create a key and print it (shown once)."""
    with opened() as container, use_case():
        expires = None
        if expires_in_days is not None:
            expires = container.clock.now_ms() + expires_in_days * 86_400_000
        _, key = container.organizations.create_api_key(
            organization_id, name=name, scope=scope, expires_at=expires, created_by=COMMAND_LINE.name
        )
    typer.echo(key)


@keys_app.command("revoke")
def revoke_key(
    organization_id: Annotated[str, typer.Argument(metavar="ORG", help="The organization's id.")],
    key_id: Annotated[str, typer.Argument(metavar="KEY_ID", help="The key's id (from keys list).")],
) -> None:
    """Revoke a key: refused from the next request on."""
    with opened() as container, use_case():
        container.organizations.revoke_api_key(organization_id, key_id)
    typer.echo(f"revoked {key_id}")


@org_app.command("export")
def org_export(
    organization_id: Annotated[str, typer.Argument(metavar="ORG", help="The organization's id.")],
) -> None:
    """Print all of an organization's data as JSON Lines (secrets never)."""
    import orjson

    with opened() as container:
        with use_case():
            container.organizations.get(organization_id)
        out = typer.get_binary_stream("stdout")
        for item in container.organization_data.export(organization_id):
            out.write(orjson.dumps(item) + b"\n")
