"""VIN lookups for auto pairing, each an index search (never a scan) however many assets there are.

- exact: the unique index on (organization_id, vin) (`by_vins`, the exact batch of a request);
- exact and P2 for a 17-character sensor VIN: equality on (organization_id, vin_serial), since the
  asset that matches exactly has the same serial part as the ones one typo away;
- P1 (truncated VIN): a range on (organization_id, vin_reversed), because "ends with S" is
  "reversed starts with reversed S".

The candidates of every sensor VIN of a request are read at once: one statement of serials and one
of ranges (per chunk of `CHUNK` VINs), not two probes per unit. The lookups may return a superset;
the domain re-checks every candidate. `SqlAssets` runs them; the queries are public so that tests
can read their plans.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, String, and_, bindparam, column, select, values

from pairhub.adapters.sql.tables import assets
from pairhub.domain import vin as vins

# The greatest character of the VIN alphabet. Padding a prefix with it gives an inclusive upper
# bound that holds under any collation (a '\x7f' or U+FFFF sentinel is ignored or reordered by
# linguistic collations such as en_US, which would silently empty the range on PostgreSQL).
_HIGHEST_VIN_CHARACTER = "Z"

CHUNK = 256
"""Sensor VINs per statement: bounds the bound parameters (SQLite allows a few thousand at most)."""

Candidates = dict[str, list[tuple[str, str]]]

# Built once: building a statement costs more than running it. The query functions below bind them
# for plans and tests.
_EXACT = select(assets).where(
    assets.c.organization_id == bindparam("org"), assets.c.vin.in_(bindparam("vins", expanding=True))
)
_SERIALS = select(assets.c.vin_serial, assets.c.id, assets.c.vin).where(
    assets.c.organization_id == bindparam("org"),
    assets.c.vin_serial.in_(bindparam("serials", expanding=True)),
)


@functools.cache
def _ranges(rows: int) -> Select[Any]:
    """The assets inside any of `rows` reversed-VIN ranges, each row tagged with its range's start.

    A join on a VALUES list, so that each range is one index search. Sizes are powers of two (the
    list is padded) so that a handful of statements, compiled once each, serve every request.
    """
    if rows == 1:
        # One VIN (a reminder, a re-match): the plain range, without a list to materialize first.
        low = bindparam("low0", type_=String)
        return select(low.label("low"), assets.c.id, assets.c.vin).where(
            assets.c.organization_id == bindparam("org"),
            assets.c.vin_reversed >= low,
            assets.c.vin_reversed <= bindparam("high0", type_=String),
        )
    wanted = values(column("low", String), column("high", String), name="wanted").data(
        [(bindparam(f"low{n}", type_=String), bindparam(f"high{n}", type_=String)) for n in range(rows)]
    )
    # A CTE, not a subquery: SQLite does not take column names after a subquery's alias.
    ranges = wanted.cte("wanted")
    return (
        select(ranges.c.low, assets.c.id, assets.c.vin)
        .select_from(ranges)
        .join(
            assets,
            and_(
                assets.c.organization_id == bindparam("org"),
                assets.c.vin_reversed >= ranges.c.low,
                assets.c.vin_reversed <= ranges.c.high,
            ),
        )
    )


def _exact_params(organization_id: str, wanted: Collection[str]) -> dict[str, Any]:
    return {"org": organization_id, "vins": sorted(wanted)}


def _serials_params(organization_id: str, full: Collection[str]) -> dict[str, Any]:
    return {"org": organization_id, "serials": sorted({vins.serial_part(vin) for vin in full})}


def _ranges_statement(organization_id: str, truncated: Sequence[str]) -> tuple[Select[Any], dict[str, Any]]:
    """The P1 statement of at most `CHUNK` truncated VINs and its parameters."""
    size = 1 << max(len(truncated) - 1, 0).bit_length()
    params: dict[str, Any] = {"org": organization_id}
    for n in range(size):
        # Padding repeats the last range: its rows come twice and are kept once.
        low = vins.reversed_vin(truncated[min(n, len(truncated) - 1)])
        params[f"low{n}"] = low
        params[f"high{n}"] = low + _HIGHEST_VIN_CHARACTER * (vins.VIN_LENGTH - len(low))
    return _ranges(size), params


def exact_query(organization_id: str, wanted: Collection[str]) -> Select[Any]:
    """The assets whose VIN is one of `wanted`: one statement for every unit of an ingest request."""
    return _EXACT.params(_exact_params(organization_id, wanted))


def serials_query(organization_id: str, full: Collection[str]) -> Select[Any]:
    """Exact and P2 candidates of 17-character VINs: assets with the same serial part (positions 12-17)."""
    return _SERIALS.params(_serials_params(organization_id, full))


def ranges_query(organization_id: str, truncated: Sequence[str]) -> Select[Any]:
    """P1 candidates: assets whose reversed VIN starts with a reversed sensor VIN (index ranges)."""
    statement, params = _ranges_statement(organization_id, truncated)
    return statement.params(params)


def find_exact(connection: Connection, organization_id: str, wanted: Collection[str]) -> list[RowMapping]:
    """Rows of the assets whose VIN is one of `wanted` (the unique index)."""
    return list(connection.execute(_EXACT, _exact_params(organization_id, wanted)).mappings())


def find_candidates(connection: Connection, organization_id: str, sensor_vins: Collection[str]) -> Candidates:
    """For each sensor VIN, the (asset id, asset VIN) pairs that may be its exact, P1 or P2 match.

    Every VIN asked is a key; one that no rule can use (too short or too long) has no candidates.
    """
    found: dict[str, dict[str, str]] = {vin: {} for vin in sensor_vins}
    full = sorted(vin for vin in found if len(vin) == vins.VIN_LENGTH)
    truncated = sorted(vin for vin in found if vins.MIN_SENSOR_VIN_LENGTH <= len(vin) < vins.VIN_LENGTH)
    by_serial: dict[str, list[str]] = {}
    for vin in full:
        by_serial.setdefault(vins.serial_part(vin), []).append(vin)
    for start in range(0, len(full), CHUNK):
        params = _serials_params(organization_id, full[start : start + CHUNK])
        for serial, asset_id, asset_vin in connection.execute(_SERIALS, params):
            for vin in by_serial[serial]:
                found[vin][asset_id] = asset_vin
    for start in range(0, len(truncated), CHUNK):
        statement, params = _ranges_statement(organization_id, truncated[start : start + CHUNK])
        for low, asset_id, asset_vin in connection.execute(statement, params):
            found[vins.reversed_vin(low)][asset_id] = asset_vin
    return {vin: list(candidates.items()) for vin, candidates in found.items()}
