"""The command line for people and keys: `pairhub admin create-user` and `pairhub keys list|create|revoke`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Annotated

import typer

from pairhub import bootstrap
from pairhub.domain.audit import COMMAND_LINE
from pairhub.domain.organizations import KeyScope
from pairhub.domain.people import MemberRole
from pairhub.entrypoints.cli_help import Typer

keys_app = Typer(help="An organization's API keys: list, create, revoke.", rich_markup_mode=None)
Opener = Callable[[], AbstractContextManager[bootstrap.Container]]
UseCase = Callable[[], AbstractContextManager[None]]


def _when(epoch_ms: int | None) -> str:
    if epoch_ms is None:
        return "-"
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def install(admin_app: Typer, app: Typer, opened: Opener, use_case: UseCase) -> None:
    """Add these commands to the `pairhub` command line."""

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

    app.add_typer(keys_app, name="keys")
