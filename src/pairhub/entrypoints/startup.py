"""Clean starts: every misconfiguration ends the process with one line naming the setting, exit code 2.

Every process layout goes through here (`serve`, `serve --workers N` and its children, `worker`,
`db upgrade`), so a wrong database name, a missing secret key or a bad MQTT URL reads the same
everywhere, and never as a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import ValidationError

from pairhub.config import SettingError, variable_of
from pairhub.ports import SecretKeyError, StorageUnavailable

EXIT_MISCONFIGURED = 2
"""The exit code of a process that cannot start as configured (systemd: do not restart in a loop)."""

SECRET_KEY_VARIABLE = variable_of("secret_key")

SECRET_FIELDS = frozenset({"secret_key", "admin_token", "ingest_token", "database_url", "ui_session_key"})
"""Settings whose values are never echoed back (they may be real secrets with a typo)."""


def settings_refusal(error: ValidationError) -> str:
    """One line naming the first setting pydantic refused (and how many others, if any)."""
    first = error.errors()[0]
    field = str(first["loc"][0]) if first.get("loc") else "settings"
    line = f"{variable_of(field)}: {first.get('msg', 'invalid value')}"
    if field not in SECRET_FIELDS and isinstance(first.get("input"), str | int | float):
        line += f" (got {first['input']!r})"
    if error.error_count() > 1:
        line += f"; and {error.error_count() - 1} other setting(s)"
    return line


def refusal_of(error: BaseException) -> str | None:
    """The one line of a start-up failure that is the configuration's (or the database's), else None."""
    if isinstance(error, ValidationError):
        return settings_refusal(error)
    if isinstance(error, SettingError):
        return str(error)
    if isinstance(error, SecretKeyError):
        text = str(error)
        return text if SECRET_KEY_VARIABLE in text else f"{SECRET_KEY_VARIABLE}: {text}"
    if isinstance(error, StorageUnavailable):
        return f"PAIRHUB_DATABASE_URL: the database cannot be reached ({error})"
    return None


def say(line: str) -> None:
    """Print the refusal as one line on stderr (plain text: no markup is read in a setting's value)."""
    sys.stderr.write(f"Cannot start: {' '.join(line.split())}\n")
    sys.stderr.flush()


@contextmanager
def refusing_misconfiguration() -> Iterator[None]:
    """Turn a misconfiguration raised inside into one line on stderr and exit code 2."""
    try:
        yield
    except (ValidationError, SettingError, SecretKeyError, StorageUnavailable) as error:
        line = refusal_of(error)
        assert line is not None
        say(line)
        raise SystemExit(EXIT_MISCONFIGURED) from None
