"""Where the secret key comes from: `PAIRHUB_SECRET_KEY`, or a key file beside a SQLite database."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from pairhub.adapters.secret_box import KEY_BYTES, VARIABLE, SecretBox, new_key
from pairhub.adapters.sql.engine import sqlite_path
from pairhub.ports import SecretKeyError

KEY_FILE_SUFFIX = ".key"


@dataclass(frozen=True)
class KeySource:
    """The box built from the configured key, and the key file it came from (None for the variable)."""

    box: SecretBox
    key_file: Path | None = None
    created: bool = False


def key_file_of(database: Path) -> Path:
    """The key file of a SQLite database: `pairhub.db` keeps its key in `pairhub.db.key`."""
    return database.with_name(database.name + KEY_FILE_SUFFIX)


def load(setting: str | None, database_url: str) -> KeySource:
    """The secret box of a deployment; SecretKeyError (one line naming the variable) when there is none.

    Without the variable, a SQLite database gets a key file beside it, made once with mode 0600; an
    in-memory database gets a key that lives as long as the process, as its data does. PostgreSQL
    deployments must set the variable: a key generated on one machine would not open the secrets for the
    other processes that share the database.
    """
    if setting is not None and setting.strip():
        return KeySource(SecretBox.from_setting(setting))
    if make_url(database_url).get_backend_name() != "sqlite":
        raise SecretKeyError(
            f"{VARIABLE} is not set: a PostgreSQL deployment must set it to a key printed by "
            "`pairhub secret-key` (it encrypts webhook secrets at rest)."
        )
    database = sqlite_path(database_url)
    if database is None:
        return KeySource(SecretBox([os.urandom(KEY_BYTES)]))
    path = key_file_of(database)
    created = _create_once(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise SecretKeyError(f"The key file {path} cannot be read ({error}); or set {VARIABLE}.") from None
    return KeySource(SecretBox.from_setting(text, source=f"The key file {path}"), path, created)


def _create_once(path: Path) -> bool:
    """Write a new key to `path` unless it exists; True when this call wrote it."""
    if path.exists():
        return False
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(new_key() + "\n")
            file.flush()
            os.fsync(file.fileno())
        # A hard link appears whole or not at all and never replaces a file: two processes starting at
        # once on a new database agree on the key the first one linked.
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)
    return True
