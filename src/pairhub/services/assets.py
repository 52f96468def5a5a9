"""Assets: create, list, change, delete; VINs normalized, validated and unique per organization."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.tables import assets, units
from pairhub.domain import vin as vins
from pairhub.domain.errors import Conflict, Invalid, NotFound
from pairhub.ports import Clock
from pairhub.services import organizations
from pairhub.services.pagination import Page, paginate

RematchHook = Callable[[Connection, str, int], None]
"""Called in the write transaction after an asset VIN appears or changes: (connection, org id, now)."""


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one item of a bulk create: `created`, `exists`, or refused with a code."""

    index: int
    status: str
    asset_id: str | None = None
    code: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class AssetView:
    """An asset with the ids of the units paired to it."""

    row: RowMapping
    unit_ids: tuple[str, ...]


def normalize_asset_vin(raw: str | None) -> str | None:
    """The stored VIN for an asset, or invalid_vin; None or blank means no VIN."""
    if raw is None:
        return None
    normalized = vins.normalize_vin(raw)
    if not normalized:
        return None
    if not vins.is_valid_asset_vin(normalized):
        raise Invalid(
            "invalid_vin",
            "An asset VIN must have 17 characters of A-H, J-N, P, R-Z and 0-9 (no I, O or Q).",
            vin=raw,
        )
    return normalized


def vin_columns(vin: str | None) -> dict[str, str | None]:
    """The VIN and the derived columns that its index lookups use."""
    if vin is None:
        return {"vin": None, "vin_reversed": None, "vin_serial": None}
    return {"vin": vin, "vin_reversed": vins.reversed_vin(vin), "vin_serial": vins.serial_part(vin)}


def _duplicate(vin: str) -> Conflict:
    return Conflict("duplicate_vin", f"Another asset of this organization has VIN {vin}.", vin=vin)


def load(connection: Connection, organization_id: str, asset_id: str) -> RowMapping:
    """The asset row of this organization, or asset_not_found."""
    row = (
        connection.execute(
            select(assets).where(assets.c.id == asset_id, assets.c.organization_id == organization_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound("asset_not_found", f"Asset {asset_id} does not exist.")
    return row


def _with_units(connection: Connection, rows: Sequence[RowMapping]) -> list[AssetView]:
    by_asset: dict[str, list[str]] = defaultdict(list)
    if rows:
        paired = connection.execute(
            select(units.c.asset_id, units.c.id)
            .where(units.c.asset_id.in_([row["id"] for row in rows]))
            .order_by(units.c.id)
        )
        for asset_id, unit_id in paired:
            by_asset[asset_id].append(unit_id)
    return [AssetView(row, tuple(by_asset[row["id"]])) for row in rows]


class Assets:
    """Use cases on assets."""

    def __init__(self, database: Database, clock: Clock, on_vin_change: RematchHook | None = None):
        self._database = database
        self._clock = clock
        self._on_vin_change = on_vin_change

    def _vin_changed(self, connection: Connection, organization_id: str, now: int) -> None:
        if self._on_vin_change is not None:
            self._on_vin_change(connection, organization_id, now)

    def create(self, organization_id: str, vin: str | None, name: str | None) -> AssetView:
        """Create an asset; a VIN re-matches the organization's waiting units at once."""
        normalized = normalize_asset_vin(vin)
        now = self._clock.now_ms()
        asset_id = str(uuid.uuid4())
        try:
            with self._database.write() as connection:
                organizations.load(connection, organization_id)
                if normalized and self._vin_taken(connection, organization_id, normalized):
                    raise _duplicate(normalized)
                connection.execute(
                    insert(assets),
                    {
                        "id": asset_id,
                        "organization_id": organization_id,
                        "name": name,
                        "created_at": now,
                        "updated_at": now,
                        **vin_columns(normalized),
                    },
                )
                if normalized:
                    self._vin_changed(connection, organization_id, now)
                return _with_units(connection, [load(connection, organization_id, asset_id)])[0]
        except IntegrityError as error:
            # Two concurrent creates of the same VIN: the unique index is the last word.
            raise _duplicate(normalized or "") from error

    def create_many(
        self, organization_id: str, items: Sequence[tuple[str | None, str | None]]
    ) -> list[BulkOutcome]:
        """Create many (vin, name) assets in one transaction; existing VINs are reported, not duplicated.

        A VIN is required here: it is what makes a re-run of the same import add nothing.
        """
        now = self._clock.now_ms()
        outcomes: dict[int, BulkOutcome] = {}
        wanted: dict[str, tuple[int, str | None]] = {}
        for index, (raw_vin, name) in enumerate(items):
            try:
                vin = normalize_asset_vin(raw_vin)
            except Invalid as error:
                outcomes[index] = BulkOutcome(index, "refused", code=error.code, detail=error.detail)
                continue
            if vin is None:
                outcomes[index] = BulkOutcome(
                    index, "refused", code="missing_vin", detail="A VIN is required."
                )
            elif vin in wanted:
                detail = f"VIN {vin} appears earlier in the same request."
                outcomes[index] = BulkOutcome(index, "refused", code="duplicate_vin", detail=detail)
            else:
                wanted[vin] = (index, name)
        with self._database.write() as connection:
            organizations.load(connection, organization_id)
            existing = dict(
                connection.execute(
                    select(assets.c.vin, assets.c.id).where(
                        assets.c.organization_id == organization_id, assets.c.vin.in_(list(wanted))
                    )
                ).all()
            )
            rows = []
            for vin, (index, name) in wanted.items():
                if vin in existing:
                    outcomes[index] = BulkOutcome(index, "exists", asset_id=existing[vin])
                    continue
                asset_id = str(uuid.uuid4())
                rows.append(
                    {
                        "id": asset_id,
                        "organization_id": organization_id,
                        "name": name,
                        "created_at": now,
                        "updated_at": now,
                        **vin_columns(vin),
                    }
                )
                outcomes[index] = BulkOutcome(index, "created", asset_id=asset_id)
            if rows:
                connection.execute(insert(assets), rows)
                self._vin_changed(connection, organization_id, now)
        return [outcomes[index] for index in sorted(outcomes)]

    @staticmethod
    def _vin_taken(
        connection: Connection, organization_id: str, vin: str, except_id: str | None = None
    ) -> bool:
        query = select(assets.c.id).where(assets.c.organization_id == organization_id, assets.c.vin == vin)
        if except_id:
            query = query.where(assets.c.id != except_id)
        return connection.execute(query).first() is not None

    def get(self, organization_id: str, asset_id: str) -> AssetView:
        """One asset."""
        with self._database.read() as connection:
            return _with_units(connection, [load(connection, organization_id, asset_id)])[0]

    def list(
        self,
        organization_id: str,
        *,
        vin: str | None = None,
        paired: bool | None = None,
        search: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> Page[AssetView]:
        """Assets by id, filtered by exact VIN, pairing state, or a VIN/name fragment."""
        query = (
            select(assets)
            .where(assets.c.organization_id == organization_id)
            .order_by(assets.c.id)
            .limit(limit + 1)
        )
        if vin is not None:
            query = query.where(assets.c.vin == vins.normalize_vin(vin))
        if search:
            fragment = search.strip()
            query = query.where(
                assets.c.vin.contains(vins.normalize_vin(fragment), autoescape=True)
                | assets.c.name.icontains(fragment, autoescape=True)
            )
        if paired is not None:
            has_units = exists().where(units.c.asset_id == assets.c.id)
            query = query.where(has_units if paired else ~has_units)
        if after:
            query = query.where(assets.c.id > after)
        with self._database.read() as connection:
            organizations.load(connection, organization_id)
            rows = list(connection.execute(query).mappings())
            page = paginate(rows, limit, lambda row: str(row["id"]))
            return Page(_with_units(connection, page.items), page.next_cursor)

    def update(self, organization_id: str, asset_id: str, changes: dict[str, Any]) -> AssetView:
        """Change the name and/or VIN; a new VIN re-matches the organization's waiting units."""
        now = self._clock.now_ms()
        values: dict[str, Any] = {"updated_at": now}
        if "name" in changes:
            values["name"] = changes["name"]
        vin_given = "vin" in changes
        normalized = normalize_asset_vin(changes.get("vin")) if vin_given else None
        try:
            with self._database.write() as connection:
                current = load(connection, organization_id, asset_id)
                vin_changed = vin_given and normalized != current["vin"]
                if vin_changed:
                    if normalized and self._vin_taken(connection, organization_id, normalized, asset_id):
                        raise _duplicate(normalized)
                    values.update(vin_columns(normalized))
                connection.execute(update(assets).where(assets.c.id == asset_id).values(**values))
                if vin_changed and normalized:
                    self._vin_changed(connection, organization_id, now)
                return _with_units(connection, [load(connection, organization_id, asset_id)])[0]
        except IntegrityError as error:
            raise _duplicate(normalized or "") from error

    def delete(self, organization_id: str, asset_id: str) -> None:
        """Delete an asset that has no paired units."""
        with self._database.write() as connection:
            load(connection, organization_id, asset_id)
            if connection.execute(select(units.c.id).where(units.c.asset_id == asset_id)).first():
                raise Conflict(
                    "asset_has_paired_units",
                    "Unpair the units of this asset before deleting it.",
                )
            connection.execute(delete(assets).where(assets.c.id == asset_id))
