"""Run Alembic migrations programmatically and tell whether the schema is at head."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", "pairhub:migrations")
    # The config is an INI parser with interpolation: a literal `%` (a percent-encoded password,
    # `p%40ss`) must be written `%%`.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine) -> None:
    """Migrate the database to the newest revision."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several processes may start at once; only one migrates, the others wait and see head.
            connection.execute(text("SELECT pg_advisory_xact_lock(7412001)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def head_revision(engine: Engine) -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_at_head(engine: Engine) -> bool:
    """True when the database schema is the code's newest revision."""
    return current_revision(engine) == head_revision(engine)
