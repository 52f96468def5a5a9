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

from sqlalchemy import Connection, RowMapping, Select, bindparam, select

from pairhub.adapters.sql.tables import assets
from pairhub.domain import vin as vins

# The greatest character of the VIN alphabet. Padding a prefix with it gives an inclusive upper
# bound that holds under any collation (a '\x7f' or U+FFFF sentinel is ignored or reordered by
# linguistic collations such as en_US, which would silently empty the range on PostgreSQL).
_HIGHEST_VIN_CHARACTER = "Z"


# Built once: a request of new units runs these hundreds of times, and building a statement costs
# more than running it. The query functions below bind them for plans and tests.
_EXACT = select(assets).where(
    assets.c.organization_id == bindparam("org"), assets.c.vin.in_(bindparam("vins", expanding=True))
)
_TRUNCATED = select(assets.c.id, assets.c.vin).where(
    assets.c.organization_id == bindparam("org"),
    assets.c.vin_reversed >= bindparam("low"),
    assets.c.vin_reversed <= bindparam("high"),
)
_ONE_TYPO = select(assets.c.id, assets.c.vin).where(
    assets.c.organization_id == bindparam("org"), assets.c.vin_serial == bindparam("serial")
)


def _exact_params(organization_id: str, wanted: Collection[str]) -> dict[str, Any]:
    return {"org": organization_id, "vins": sorted(wanted)}


def _truncated_params(organization_id: str, sensor_vin: str) -> dict[str, Any]:
    low = vins.reversed_vin(sensor_vin)
    return {
        "org": organization_id,
        "low": low,
        "high": low + _HIGHEST_VIN_CHARACTER * (vins.VIN_LENGTH - len(low)),
    }


def _one_typo_params(organization_id: str, sensor_vin: str) -> dict[str, Any]:
    return {"org": organization_id, "serial": vins.serial_part(sensor_vin)}


def exact_query(organization_id: str, wanted: Collection[str]) -> Select[Any]:
    """The assets whose VIN is one of `wanted`: one statement for every unit of an ingest request."""
    return _EXACT.params(_exact_params(organization_id, wanted))


def truncated_query(organization_id: str, sensor_vin: str) -> Select[Any]:
    """P1 candidates: assets whose reversed VIN starts with the reversed sensor VIN (an index range)."""
    return _TRUNCATED.params(_truncated_params(organization_id, sensor_vin))


def one_typo_query(organization_id: str, sensor_vin: str) -> Select[Any]:
    """P2 candidates: assets with the same serial part (positions 12-17)."""
    return _ONE_TYPO.params(_one_typo_params(organization_id, sensor_vin))


def find_exact(connection: Connection, organization_id: str, wanted: Collection[str]) -> list[RowMapping]:
    """Rows of the assets whose VIN is one of `wanted` (the unique index)."""
    return list(connection.execute(_EXACT, _exact_params(organization_id, wanted)).mappings())


def find_partial_candidates(
    connection: Connection, organization_id: str, sensor_vin: str
) -> list[tuple[str, str]]:
    """(asset id, asset VIN) pairs that may be P1 or P2 candidates of a usable sensor VIN."""
    if vins.MIN_SENSOR_VIN_LENGTH <= len(sensor_vin) < vins.VIN_LENGTH:
        statement, params = _TRUNCATED, _truncated_params(organization_id, sensor_vin)
    elif len(sensor_vin) == vins.VIN_LENGTH:
        statement, params = _ONE_TYPO, _one_typo_params(organization_id, sensor_vin)
    else:
        return []
    return [(row.id, row.vin) for row in connection.execute(statement, params)]
