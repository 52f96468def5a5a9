"""Run Alembic migrations programmatically and tell whether the schema is at head."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from pairhub.adapters.secret_box import SecretBox
from pairhub.adapters.sql.secret_columns import SecretColumns, reseal_all

SECRET_BOX = "secret_box"
"""The Alembic config attribute that hands the deployment's secret box to migrations that need it."""


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", "pairhub:migrations")
    # The config is an INI parser with interpolation: a literal `%` (a percent-encoded password,
    # `p%40ss`) must be written `%%`.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine, box: SecretBox | None = None, revision: str = "head") -> None:
    """Migrate the database to the newest revision (or `revision`).

    `box` encrypts what a migration finds stored in clear (without it, such a migration refuses to run
    on a database that holds secrets); then every stored secret is opened with it, so a wrong key stops
    here, and moved to its newest key.
    """
    config = alembic_config(engine)
    config.attributes[SECRET_BOX] = box
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several processes may start at once; only one migrates, the others wait and see head.
            connection.execute(text("SELECT pg_advisory_xact_lock(7412001)"))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if box is not None and revision == "head":
            reseal_all(connection, SecretColumns(box))


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
