"""The readiness probe of a SQL database: a read, a rolled-back write, the schema's revision."""

from __future__ import annotations

from pairhub.adapters.sql import migrate
from pairhub.adapters.sql.engine import Database


class SqlReadiness:
    """Answers `/readyz` for one database."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def ping(self) -> None:
        """Raise unless the database answers."""
        self._database.ping()

    def ping_write(self) -> None:
        """Raise unless the database takes a write (rolled back)."""
        self._database.ping_write()

    def schema_current(self) -> bool:
        """True when the schema is at the newest migration."""
        return migrate.is_at_head(self._database.engine)
