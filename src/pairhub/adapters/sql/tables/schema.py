"""The one MetaData every table registers in; times are epoch milliseconds (UTC) so SQLite and PostgreSQL
agree exactly."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only turns INTEGER PRIMARY KEY into an auto-incrementing rowid; PostgreSQL wants BIGINT.
Serial = BigInteger().with_variant(Integer(), "sqlite")
