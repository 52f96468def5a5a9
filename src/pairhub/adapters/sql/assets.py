"""Assets on SQL, with the VIN lookups of auto pairing (each an index search, see `matching`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    Select,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from pairhub.adapters.sql import matching, ordering, search
from pairhub.adapters.sql.tables import assets, units
from pairhub.domain import vin as vins
from pairhub.domain.assets import Asset
from pairhub.domain.overview import AssetOrder

# Built once: a manual pairing reads its asset on every request.
_ONE = select(assets).where(
    assets.c.id == bindparam("asset_id"), assets.c.organization_id == bindparam("organization_id")
)


def vin_columns(vin: str | None) -> dict[str, str | None]:
    """The VIN and the derived columns that its index lookups use."""
    if vin is None:
        return {"vin": None, "vin_reversed": None, "vin_serial": None}
    return {"vin": vin, "vin_reversed": vins.reversed_vin(vin), "vin_serial": vins.serial_part(vin)}


def _asset(row: RowMapping) -> Asset:
    return Asset(
        id=row["id"],
        organization_id=row["organization_id"],
        vin=row["vin"],
        name=row["name"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _columns(asset: Asset) -> dict[str, Any]:
    return {
        "id": asset.id,
        "organization_id": asset.organization_id,
        "name": asset.name,
        "created_at": asset.created_at,
        "updated_at": asset.updated_at,
        **vin_columns(asset.vin),
    }


class SqlAssets:
    """The assets table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        # The last search's matches, for the count that follows it in the same unit of work; any
        # write forgets them.
        self._matched: tuple[str, str, search.AssetMatches] | None = None

    def _matches(self, organization_id: str, text: str) -> search.AssetMatches:
        if self._matched is not None and self._matched[:2] == (organization_id, text):
            return self._matched[2]
        found = search.asset_matches(self._connection, organization_id, text)
        self._matched = (organization_id, text, found)
        return found

    def _guarded(self, statement: Any, parameters: dict[str, Any]) -> bool:
        # The unique (organization, VIN) index is the last word between concurrent writers.
        try:
            with self._connection.begin_nested():
                self._connection.execute(statement, parameters)
        except IntegrityError:
            return False
        return True

    def add(self, asset: Asset) -> bool:
        """Insert a new asset; False when its VIN is already taken in its organization."""
        self._matched = None
        if asset.vin is not None and self.by_vins(asset.organization_id, [asset.vin]):
            return False
        return self._guarded(insert(assets), _columns(asset))

    def add_many(self, new: Sequence[Asset]) -> None:
        """Insert new assets in one statement."""
        self._matched = None
        if new:
            self._connection.execute(insert(assets), [_columns(asset) for asset in new])

    def get(self, organization_id: str, asset_id: str) -> Asset | None:
        """One asset of this organization, or None."""
        params = {"asset_id": asset_id, "organization_id": organization_id}
        row = self._connection.execute(_ONE, params).mappings().first()
        return None if row is None else _asset(row)

    def get_many(self, organization_id: str, asset_ids: Collection[str]) -> dict[str, Asset]:
        """These assets of this organization by id, in one statement."""
        if not asset_ids:
            return {}
        query = select(assets).where(
            assets.c.id.in_(list(asset_ids)), assets.c.organization_id == organization_id
        )
        return {row["id"]: _asset(row) for row in self._connection.execute(query).mappings()}

    def save(self, asset: Asset) -> bool:
        """Write back a changed asset; False when its new VIN is already taken."""
        self._matched = None
        if asset.vin is not None:
            owner = self.by_vins(asset.organization_id, [asset.vin]).get(asset.vin)
            if owner is not None and owner.id != asset.id:
                return False
        values = _columns(asset)
        del values["id"]
        return self._guarded(update(assets).where(assets.c.id == asset.id).values(**values), {})

    def delete(self, asset_id: str) -> None:
        """Remove an asset."""
        self._matched = None
        self._connection.execute(delete(assets).where(assets.c.id == asset_id))

    def by_vins(self, organization_id: str, vins_: Collection[str]) -> dict[str, Asset]:
        """The organization's assets whose VIN is exactly one of these (the unique index), by VIN."""
        if not vins_:
            return {}
        return {
            row["vin"]: _asset(row) for row in matching.find_exact(self._connection, organization_id, vins_)
        }

    def without_vin_by_names(self, organization_id: str, names: Collection[str]) -> dict[str, Asset]:
        """The organization's assets without a VIN whose name is one of these, by name (the first by id)."""
        if not names:
            return {}
        query = (
            select(assets)
            .where(
                assets.c.organization_id == organization_id,
                assets.c.name.in_(list(names)),
                assets.c.vin.is_(None),
            )
            .order_by(assets.c.id.desc())
        )
        # Read newest id first so that the smallest id of a name is the one kept.
        return {row["name"]: _asset(row) for row in self._connection.execute(query).mappings()}

    def match_candidates(
        self, organization_id: str, sensor_vins: Collection[str]
    ) -> dict[str, list[tuple[str, str]]]:
        """For each sensor VIN, the (asset id, VIN) pairs that may match it, in a few statements for all."""
        return matching.find_candidates(self._connection, organization_id, sensor_vins)

    def _filtered(
        self, query: Select[Any], organization_id: str, paired: bool | None, text: str | None
    ) -> Select[Any]:
        query = query.where(assets.c.organization_id == organization_id)
        if text:
            query = query.where(self._matches(organization_id, text).where(self._connection))
        if paired is not None:
            has_units = exists().where(units.c.asset_id == assets.c.id)
            query = query.where(has_units if paired else ~has_units)
        return query

    def _order(self, order: AssetOrder) -> list[ordering.SortKey]:
        if order is AssetOrder.NAME:
            return [ordering.nulls_last("name"), ordering.text_key(self._connection, "name", lower=True)]
        if order is AssetOrder.VIN:
            return [ordering.nulls_last("vin"), ordering.text_key(self._connection, "vin")]
        if order is AssetOrder.UPDATED:
            return [ordering.number_key("updated_at", descending=True)]
        return []

    def search(
        self,
        organization_id: str,
        vin: str | None,
        paired: bool | None,
        text: str | None,
        after: str | None,
        limit: int,
        order: AssetOrder = AssetOrder.ID,
    ) -> list[Asset]:
        """Assets in `order` after the asset `after`, filtered by exact VIN, pairing or a VIN/name part."""
        query = self._filtered(select(assets), organization_id, paired, text).limit(limit)
        if vin is not None:
            query = query.where(assets.c.vin == vin)
        query = ordering.page_after(query, assets, self._order(order), after)
        return [_asset(row) for row in self._connection.execute(query).mappings()]

    def count(
        self, organization_id: str, paired: bool | None, text: str | None, most: int | None = None
    ) -> int:
        """How many assets `search` finds with these filters, on all pages; past `most`, `most` + 1."""
        matching_ = self._filtered(
            select(literal_column("1")).select_from(assets), organization_id, paired, text
        )
        if most is not None:
            # A common fragment matches most of a large organization: stop counting once past `most`.
            matching_ = matching_.limit(most + 1)
        query = select(func.count()).select_from(matching_.subquery())
        return int(self._connection.execute(query).scalar() or 0)
