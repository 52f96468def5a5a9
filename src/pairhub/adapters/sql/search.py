"""Search by any part of a text, case-insensitive, the same on SQLite and PostgreSQL.

On PostgreSQL `ILIKE '%part%'` is answered by the `pg_trgm` GIN indexes of migration 0013 (where the
extension is available); on SQLite `LIKE` already ignores ASCII case (ids, VINs and most names).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, false

from pairhub.domain import vin as vins


def contains(column: Any, part: str) -> ColumnElement[bool]:
    """`column` holds `part` anywhere, ignoring case; `%` and `_` in `part` are literal."""
    return column.icontains(part, autoescape=True)  # type: ignore[no-any-return]


ASSET_SEARCH = "assets_search"
"""SQLite: the FTS5 trigram index of the assets' VIN and name (migration 0013)."""
TRIGRAM = 3
"""The trigram index answers fragments of at least this many characters; shorter ones scan."""

_INDEX = f"INSERT INTO {ASSET_SEARCH}(rowid, vin, name) VALUES (new.rowid, new.vin, new.name);"
_UNINDEX = (
    f"INSERT INTO {ASSET_SEARCH}({ASSET_SEARCH}, rowid, vin, name) "
    "VALUES ('delete', old.rowid, old.vin, old.name);"
)
SQLITE_ASSET_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE {ASSET_SEARCH} USING fts5(vin, name, content='assets', content_rowid='rowid', "
    "tokenize='trigram case_sensitive 0')",
    f"INSERT INTO {ASSET_SEARCH}({ASSET_SEARCH}) VALUES ('rebuild')",
    f"CREATE TRIGGER assets_search_insert AFTER INSERT ON assets BEGIN {_INDEX} END",
    f"CREATE TRIGGER assets_search_delete AFTER DELETE ON assets BEGIN {_UNINDEX} END",
    f"CREATE TRIGGER assets_search_update AFTER UPDATE OF vin, name ON assets BEGIN {_UNINDEX} {_INDEX} END",
)
"""The index and the triggers that keep it; `VACUUM` may renumber rowids, so run
`INSERT INTO assets_search(assets_search) VALUES ('rebuild')` after one (docs/operations.md)."""

SQLITE_ASSET_SEARCH_DROP = (
    "DROP TRIGGER IF EXISTS assets_search_insert",
    "DROP TRIGGER IF EXISTS assets_search_delete",
    "DROP TRIGGER IF EXISTS assets_search_update",
    f"DROP TABLE IF EXISTS {ASSET_SEARCH}",
)


def fts_phrase(part: str) -> str:
    """`part` as one FTS5 phrase (double quotes doubled): the trigram index finds it anywhere."""
    return '"' + part.replace('"', '""') + '"'


FTS_CANDIDATES = 5_000
"""Past this many index hits a fragment is too common for the index to help: it scans instead."""


def asset_text_filter(
    connection: Connection, vin_column: Any, name_column: Any, rowid: Any, part: str
) -> Any:
    """Assets whose VIN holds `part` (normalized as a VIN) or whose name holds it, ignoring case.

    On SQLite a fragment of three characters or more is looked up in the trigram index first, and the
    rows it names are checked again against the table (an index entry can never add a wrong row). The
    hits are read before the query and handed to it as a list of rowids: given the index as a subquery,
    SQLite's planner walked the whole organization by id to answer `ORDER BY id LIMIT 51`.
    """
    normalized = vins.normalize_vin(part)
    plain = (vin_column.contains(normalized, autoescape=True) if normalized else false()) | contains(
        name_column, part
    )
    if connection.dialect.name != "sqlite" or len(part) < TRIGRAM:
        return plain
    phrases = [f"name : {fts_phrase(part)}"]
    if len(normalized) >= TRIGRAM:
        phrases.append(f"vin : {fts_phrase(normalized)}")
    elif normalized:
        return plain  # a VIN fragment too short for the index: scan
    hits = connection.exec_driver_sql(
        f"SELECT rowid FROM {ASSET_SEARCH} WHERE {ASSET_SEARCH} MATCH ? LIMIT ?",
        (" OR ".join(phrases), FTS_CANDIDATES + 1),
    ).all()
    if len(hits) > FTS_CANDIDATES:
        return plain
    return rowid.in_([hit[0] for hit in hits]) & plain
