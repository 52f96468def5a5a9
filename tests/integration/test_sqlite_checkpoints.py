"""On SQLite, commits leave the WAL to a checkpoint thread of its own, which copies it back into the file."""

from __future__ import annotations

import sqlite3

from sqlalchemy import text

from pairhub.adapters.sql.engine import Database, make_engine, sqlite_path
from pairhub.adapters.sql.organizations import SqlOrganizations
from pairhub.domain.organizations import Organization


def _in_the_file_alone(sqlite_url: str) -> list[str]:
    """Organization names as the database file holds them, the WAL left unread."""
    path = sqlite_path(sqlite_url)
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as connection:
        return [name for (name,) in connection.execute("SELECT name FROM organizations ORDER BY name")]


def test_a_commit_does_not_checkpoint_but_the_checkpoint_thread_copies_it_into_the_file(
    sqlite_url: str,
) -> None:
    database = Database(make_engine(sqlite_url))
    assert database.checkpoints is not None
    try:
        with database.write() as connection:
            # SQLite's own checkpoint would run inside this transaction's commit, in the writer's turn.
            assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
            SqlOrganizations(connection).add(Organization("o1", "Acme", False, True, 0))
        database.checkpoints.settle()
        assert _in_the_file_alone(sqlite_url) == ["Acme"]
    finally:
        database.close()


def test_a_write_that_changed_nothing_starts_no_checkpoint(sqlite_url: str) -> None:
    database = Database(make_engine(sqlite_url))
    assert database.checkpoints is not None
    try:
        with database.write() as connection:
            connection.execute(text("SELECT 1"))
        with database.write() as connection:
            SqlOrganizations(connection).add(Organization("o1", "Acme", False, True, 0))
        database.checkpoints.settle()
        # The first checkpoint of this database came after the second write: it holds the organization.
        assert _in_the_file_alone(sqlite_url) == ["Acme"]
    finally:
        database.close()
