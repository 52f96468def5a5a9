"""`pairhub --help` and every command's help: plain usage lines, flags without a type, whole descriptions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer.main
from typer import _click
from typer.core import TyperGroup
from typer.testing import CliRunner

from pairhub.entrypoints.cli import app


def _commands(command: _click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


PATHS = list(_commands(typer.main.get_command(app)))


def _help(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "pairhub")
def test_help_shows_no_type_noise_and_plain_usage(path: tuple[str, ...]) -> None:
    text = _help(path)
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert "{" not in usage and "}" not in usage
    assert "<bool>" not in text


def test_usage_lines_name_arguments_in_capitals() -> None:
    assert "[OPTIONS] ORG FILE" in _help(("import-assets",))
    assert "[OPTIONS] ORG KEY_ID" in _help(("keys", "revoke"))
    assert "[OPTIONS] NAME" in _help(("admin", "create-organization"))


def test_top_level_help_shows_each_description_whole() -> None:
    text = _help(())
    panel = text[text.index("Commands") :]
    words = " ".join(panel.replace("│", " ").replace("╰", " ").split())
    assert "..." not in words
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    for name, command in group.commands.items():
        description = " ".join((command.help or "").split("\n\n")[0].split())
        assert description, name
        assert f"{name} {description}" in words
