"""Storage backends for the repository contract tests: memory, SQLite and (when reachable) PostgreSQL.

Every contract test takes `storage` and runs on each backend with the very same assertions.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pairhub.adapters.memory.uow import MemoryStorage
from pairhub.adapters.secret_box import SecretBox
from pairhub.adapters.sql.engine import Database, make_engine
from pairhub.adapters.sql.uow import SqlStorage
from pairhub.domain.organizations import Organization
from pairhub.ports import Storage
from tests.conftest import SECRET_KEY


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def storage(request: pytest.FixtureRequest) -> Iterator[Storage]:
    """A fresh, empty storage of each backend."""
    if request.param == "memory":
        yield MemoryStorage()
        return
    url: str = request.getfixturevalue("postgres_url_fresh" if request.param == "postgres" else "sqlite_url")
    sql = SqlStorage(Database(make_engine(url)), SecretBox.from_setting(SECRET_KEY))
    yield sql
    sql.close()


@pytest.fixture
def organization(storage: Storage) -> Organization:
    """One stored organization with auto pairing switched on."""
    org = Organization("00000000-0000-0000-0000-000000000001", "Acme", True, True, 10)
    with storage.write() as uow:
        uow.organizations.add(org)
    return org
