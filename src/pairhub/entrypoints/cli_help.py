"""Help screens of the `pairhub` command line: flags without a value type, arguments named as in docs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from typer import _click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.models import CommandFunctionType


def _without_flag_types(params: list[_click.Parameter]) -> list[_click.Parameter]:
    # Typer prints `<bool>` beside a flag, which takes no value; an empty metavar prints nothing.
    # The help option and the completion options are added by Typer, so they are marked here.
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    return params


def _usage_pieces(command: _click.Command, ctx: _click.Context) -> list[str]:
    # Typer writes a required argument as `{ORG}`; usage lines write it `ORG`, an optional one `[ORG]`.
    pieces = [command.options_metavar] if command.options_metavar else []
    for param in command.get_params(ctx):
        if isinstance(param, TyperArgument):
            name = param.display_name_raw if param.required else f"[{param.display_name_raw}]"
            pieces.append(name if param.nargs == 1 else f"{name}...")
        else:
            pieces.extend(param.get_usage_pieces(ctx))
    return pieces


class Command(TyperCommand):
    """A command whose help shows flags without a type and plain argument names."""

    def get_params(self, ctx: _click.Context) -> list[_click.Parameter]:
        """The parameters, flags marked to show no type."""
        return _without_flag_types(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: _click.Context) -> list[str]:
        """The usage line: `[OPTIONS] ORG FILE`."""
        return _usage_pieces(self, ctx)


class Group(TyperGroup):
    """A group whose help shows flags without a type and plain argument names."""

    def get_params(self, ctx: _click.Context) -> list[_click.Parameter]:
        """The parameters, flags marked to show no type."""
        return _without_flag_types(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: _click.Context) -> list[str]:
        """The usage line: `[OPTIONS] COMMAND [ARGS]...`."""
        return [*_usage_pieces(self, ctx), self.subcommand_metavar]


class Typer(typer.Typer):
    """A `typer.Typer` whose groups and commands use the help screens above."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cls=Group, **kwargs)

    def command(
        self, name: str | None = None, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        """Register a command (see `typer.Typer.command`)."""
        return super().command(name, cls=Command, **kwargs)
