"""Search by any part of a text, case-insensitive, the same on SQLite and PostgreSQL.

On PostgreSQL `ILIKE '%part%'` is answered by the `pg_trgm` GIN indexes of migration 0013 (where the
extension is available); on SQLite `LIKE` already ignores ASCII case (ids, VINs and most names).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement


def contains(column: Any, part: str) -> ColumnElement[bool]:
    """`column` holds `part` anywhere, ignoring case; `%` and `_` in `part` are literal."""
    return column.icontains(part, autoescape=True)  # type: ignore[no-any-return]
