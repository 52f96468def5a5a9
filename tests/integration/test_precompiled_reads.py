"""Precompiled reads with IN lists: the same rows as SQLAlchemy's execute, errors translated alike."""

from __future__ import annotations

import pytest
from sqlalchemy import BigInteger, Column, MetaData, String, Table, bindparam, create_engine, exc, select

from pairhub.adapters.sql.engine import make_engine
from pairhub.adapters.sql.precompiled import Precompiled
from pairhub.adapters.sql.tables import organizations

IDS = [f"00000000-0000-0000-0000-{n:012d}" for n in range(6)]

_BY_IDS = (
    select(organizations.c.id, organizations.c.name, organizations.c.created_at)
    .where(
        organizations.c.id.in_(bindparam("ids", expanding=True)),
        organizations.c.created_at >= bindparam("since", type_=BigInteger),
        organizations.c.datahub_subscription_active.is_(True),
    )
    .order_by(organizations.c.id)
)


def _fill(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            organizations.insert(),
            [
                {
                    "id": org_id,
                    "name": f"Org {n}",
                    "auto_pairing_enabled": False,
                    "datahub_subscription_active": n != 2,
                    "created_at": n,
                }
                for n, org_id in enumerate(IDS)
            ],
        )
    engine.dispose()


def test_in_lists_of_every_length_read_what_sqlalchemy_reads(database_url: str) -> None:
    _fill(database_url)
    engine = make_engine(database_url)
    statement = Precompiled(_BY_IDS)
    try:
        with engine.connect() as connection:
            # Lengths in an order that reuses the SQL kept for a length after another length was used.
            for chosen in ([IDS[0]], IDS[:3], IDS, IDS[1:4], [IDS[5], IDS[2]], IDS[:3]):
                params = {"ids": chosen, "since": 1}
                expected = [tuple(row) for row in connection.execute(_BY_IDS, params)]
                assert statement.rows(connection, params) == expected
                assert statement.mappings(connection, params) == [
                    {"id": row[0], "name": row[1], "created_at": row[2]} for row in expected
                ]
            # The organization without an active Datahub subscription and the one created before
            # `since` are left out, whichever list asks for them.
            assert [row[0] for row in statement.rows(connection, {"ids": IDS, "since": 1})] == [
                IDS[1],
                IDS[3],
                IDS[4],
                IDS[5],
            ]
            with pytest.raises(ValueError, match="at least one value"):
                statement.rows(connection, {"ids": [], "since": 0})
    finally:
        engine.dispose()


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(database_url: str) -> None:
    # The engine's handle_error hook (storage outages) only sees errors raised the way SQLAlchemy
    # raises them: a precompiled read must not let the driver's own exception through.
    missing = Table("no_such_table", MetaData(), Column("id", String(36), primary_key=True))
    statement = Precompiled(select(missing.c.id).where(missing.c.id.in_(bindparam("ids", expanding=True))))
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection, pytest.raises(exc.DBAPIError):
            statement.rows(connection, {"ids": IDS[:2]})
    finally:
        engine.dispose()
