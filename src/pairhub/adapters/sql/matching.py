"""VIN lookups for auto pairing, each an index search (never a scan) however many assets there are.

- exact: the unique index on (organization_id, vin);
- P1 (truncated VIN): a range on (organization_id, vin_reversed), because "ends with S" is
  "reversed starts with reversed S";
- P2 (one typo before the serial): equality on (organization_id, vin_serial).

The lookups may return a superset; `decide_match` in the domain re-checks every candidate. `SqlAssets`
runs them; the queries are public so that tests can read their plans.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, Select, select

from pairhub.adapters.sql.tables import assets
from pairhub.domain import vin as vins

# The greatest character of the VIN alphabet. Padding a prefix with it gives an inclusive upper
# bound that holds under any collation (a '\x7f' or U+FFFF sentinel is ignored or reordered by
# linguistic collations such as en_US, which would silently empty the range on PostgreSQL).
_HIGHEST_VIN_CHARACTER = "Z"


def exact_query(organization_id: str, wanted: Collection[str]) -> Select[Any]:
    """The assets whose VIN is one of `wanted`: one statement for every unit of an ingest request.

    The list binds as one expanding parameter, so the compiled statement is cached whatever its length.
    """
    return select(assets).where(assets.c.organization_id == organization_id, assets.c.vin.in_(sorted(wanted)))


def truncated_query(organization_id: str, sensor_vin: str) -> Select[str, str]:
    """P1 candidates: assets whose reversed VIN starts with the reversed sensor VIN (an index range)."""
    low = vins.reversed_vin(sensor_vin)
    high = low + _HIGHEST_VIN_CHARACTER * (vins.VIN_LENGTH - len(low))
    return select(assets.c.id, assets.c.vin).where(
        assets.c.organization_id == organization_id,
        assets.c.vin_reversed >= low,
        assets.c.vin_reversed <= high,
    )


def one_typo_query(organization_id: str, sensor_vin: str) -> Select[str, str]:
    """P2 candidates: assets with the same serial part (positions 12-17)."""
    return select(assets.c.id, assets.c.vin).where(
        assets.c.organization_id == organization_id,
        assets.c.vin_serial == vins.serial_part(sensor_vin),
    )


def find_partial_candidates(
    connection: Connection, organization_id: str, sensor_vin: str
) -> list[tuple[str, str]]:
    """(asset id, asset VIN) pairs that may be P1 or P2 candidates of a usable sensor VIN."""
    if vins.MIN_SENSOR_VIN_LENGTH <= len(sensor_vin) < vins.VIN_LENGTH:
        query = truncated_query(organization_id, sensor_vin)
    elif len(sensor_vin) == vins.VIN_LENGTH:
        query = one_typo_query(organization_id, sensor_vin)
    else:
        return []
    return [(row.id, row.vin) for row in connection.execute(query)]
