"""Search by any part of a text, case-insensitive, the same on SQLite and PostgreSQL.

On PostgreSQL `ILIKE '%part%'` is answered by the `pg_trgm` GIN indexes of migration 0013 (where the
extension is available); on SQLite by the FTS5 trigram table `assets_search`. An asset search reads the
organization's matches first, up to `CANDIDATES` (see `asset_matches`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    String,
    any_,
    bindparam,
    false,
    func,
    literal_column,
    select,
)

from pairhub.adapters.sql.tables import assets
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


CANDIDATES = 5_000
"""Past this many matching assets a fragment is common: the page walks the organization in order (it finds
a page of matches within a few rows) and the count stops (see `SqlAssets.count`)."""


_FTS_HITS = (
    f"SELECT assets.rowid FROM {ASSET_SEARCH} CROSS JOIN assets ON assets.rowid = {ASSET_SEARCH}.rowid "
    f"WHERE {ASSET_SEARCH} MATCH ? AND assets.organization_id = ? LIMIT ?"
)
"""The organization's index hits: the join drops other organizations' before they count towards the
limit, and CROSS JOIN keeps SQLite reading the index first (never each asset, probing the index)."""


@dataclass(frozen=True)
class AssetMatches:
    """A fragment's condition on the assets table and, unless the fragment is common, its matches' keys."""

    condition: Any
    keys: list[Any] | None

    def where(self, connection: Connection) -> Any:
        """The condition for a query: among the matches when they are known, else as it is."""
        if self.keys is None:
            return self.condition
        if connection.dialect.name == "sqlite":
            return literal_column("assets.rowid").in_(self.keys) & self.condition
        # One array parameter rather than thousands of them.
        keys = bindparam("search_candidates", self.keys, type_=ARRAY(String))
        return (assets.c.id == any_(keys)) & self.condition


def asset_matches(connection: Connection, organization_id: str, part: str) -> AssetMatches:
    """Assets whose VIN holds `part` (normalized as a VIN) or whose name holds it, ignoring case.

    The organization's matches are read first, at most `CANDIDATES` + 1 of them, and handed to the
    query as a list: given the condition alone, the planners walked the whole organization by id to
    answer `ORDER BY id LIMIT 51` when a fragment was rare (PostgreSQL misjudges how many rows a
    `LIKE '%part%'` finds; SQLite was handed the index as a subquery). Past `CANDIDATES` the condition
    is used as it is: matches are then dense, and the walk in order finds a page within a few rows.
    """
    normalized = vins.normalize_vin(part)
    sqlite = connection.dialect.name == "sqlite"
    vin: Any = assets.c.vin
    name: Any = assets.c.name
    if not sqlite and len(part) < TRIGRAM:
        # Below three characters a trigram index can only be read whole (seconds at a million rows);
        # wrapped columns keep PostgreSQL on a scan that stops once it has enough rows.
        vin, name = func.upper(vin), func.lower(name)
    plain = (vin.contains(normalized, autoescape=True) if normalized else false()) | contains(name, part)
    key: Any = literal_column("assets.rowid") if sqlite else assets.c.id
    return AssetMatches(plain, _candidates(connection, organization_id, part, normalized, plain, key))


def _candidates(
    connection: Connection, organization_id: str, part: str, normalized: str, plain: Any, key: Any
) -> list[Any] | None:
    """The keys of the organization's assets that match, or None past `CANDIDATES` of them."""
    if connection.dialect.name == "sqlite" and len(part) >= TRIGRAM and not 0 < len(normalized) < TRIGRAM:
        phrases = [f"name : {fts_phrase(part)}"]
        if normalized:
            phrases.append(f"vin : {fts_phrase(normalized)}")
        rows = connection.exec_driver_sql(
            _FTS_HITS, (" OR ".join(phrases), organization_id, CANDIDATES + 1)
        ).all()
    else:
        # PostgreSQL: the trigram indexes (a bitmap scan); a fragment of one or two characters: a scan
        # that stops at the limit (common) or reads the organization's assets once (rare).
        query = select(key).where(assets.c.organization_id == organization_id, plain).limit(CANDIDATES + 1)
        rows = connection.execute(query).all()
    if len(rows) > CANDIDATES:
        return None
    return [row[0] for row in rows]
