"""Assets: create, list, change, delete; VINs normalized, validated and unique per organization."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from pairhub.domain import assets as asset_rules
from pairhub.domain import vin as vins
from pairhub.domain.assets import Asset, normalize_asset_vin
from pairhub.domain.audit import AuditAction
from pairhub.domain.errors import Invalid, NotFound
from pairhub.domain.overview import AssetOrder
from pairhub.ports import Clock, Storage, UnitOfWork
from pairhub.services import audit, organizations
from pairhub.services.pagination import CursorKind, Cursors, Page

RematchHook = Callable[[UnitOfWork, str, int], None]
"""Called in the unit of work after an asset VIN appears or changes: (uow, org id, now)."""


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

    asset: Asset
    unit_ids: tuple[str, ...]


@dataclass(frozen=True)
class AssetChanges:
    """What an update changes: only the fields marked as given (a given None clears the value)."""

    vin: str | None = None
    name: str | None = None
    vin_given: bool = False
    name_given: bool = False


def require(uow: UnitOfWork, organization_id: str, asset_id: str) -> Asset:
    """The asset of this organization, or asset_not_found."""
    asset = uow.assets.get(organization_id, asset_id)
    if asset is None:
        raise NotFound("asset_not_found", f"Asset {asset_id} does not exist.")
    return asset


def _with_units(uow: UnitOfWork, found: Sequence[Asset]) -> list[AssetView]:
    paired = uow.units.ids_by_asset([asset.id for asset in found])
    return [AssetView(asset, paired.get(asset.id, ())) for asset in found]


def _bulk_refusal(
    vin: str | None, name: str | None, by_vin: Mapping[str, object], by_name: Mapping[str, int]
) -> tuple[str, str] | None:
    """Why one item of a bulk create cannot be taken (code, detail), or None."""
    if vin is None and not name:
        return "missing_vin_and_name", "An asset needs a VIN or a name to be imported."
    if vin is not None and vin in by_vin:
        return "duplicate_vin", f"VIN {vin} appears earlier in the same request."
    if vin is None and name in by_name:
        return "duplicate_name", f"An asset without a VIN named {name!r} appears earlier in the same request."
    return None


class Assets:
    """Use cases on assets."""

    def __init__(
        self, storage: Storage, clock: Clock, cursors: Cursors, on_vin_change: RematchHook | None = None
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._cursors = cursors
        self._on_vin_change = on_vin_change

    def _vin_changed(self, uow: UnitOfWork, organization_id: str, now: int) -> None:
        if self._on_vin_change is not None:
            self._on_vin_change(uow, organization_id, now)

    def create(self, organization_id: str, vin: str | None, name: str | None) -> AssetView:
        """Create an asset; a VIN re-matches the organization's waiting units at once."""
        normalized = normalize_asset_vin(vin)
        now = self._clock.now_ms()
        asset = Asset(str(uuid.uuid4()), organization_id, normalized, name, now, now)
        with self._storage.write() as uow:
            organizations.require(uow, organization_id)
            if not uow.assets.add(asset):
                raise asset_rules.duplicate_vin(normalized or "")
            if normalized:
                self._vin_changed(uow, organization_id, now)
            audit.note(
                uow,
                now,
                organization_id,
                AuditAction.ASSET_CREATED,
                ("asset", asset.id),
                after={"vin": asset.vin, "name": asset.name},
            )
            return _with_units(uow, [asset])[0]

    def create_many(
        self, organization_id: str, items: Sequence[tuple[str | None, str | None]]
    ) -> list[BulkOutcome]:
        """Create many (vin, name) assets in one transaction; those already present are reported.

        An asset is identified by its VIN, or by its name when it has none, so a re-run of the same
        import adds nothing.
        """
        now = self._clock.now_ms()
        outcomes: dict[int, BulkOutcome] = {}
        by_vin: dict[str, tuple[int, str | None]] = {}
        by_name: dict[str, int] = {}
        for index, (raw_vin, name) in enumerate(items):
            try:
                vin = normalize_asset_vin(raw_vin)
            except Invalid as error:
                outcomes[index] = BulkOutcome(index, "refused", code=error.code, detail=error.detail)
                continue
            refusal = _bulk_refusal(vin, name, by_vin, by_name)
            if refusal is not None:
                outcomes[index] = BulkOutcome(index, "refused", code=refusal[0], detail=refusal[1])
            elif vin is not None:
                by_vin[vin] = (index, name)
            elif name:
                by_name[name] = index
        with self._storage.write() as uow:
            organizations.require(uow, organization_id)
            existing_vins = uow.assets.by_vins(organization_id, list(by_vin))
            existing_names = uow.assets.without_vin_by_names(organization_id, list(by_name))
            wanted: list[tuple[int, str | None, str | None]] = [
                (index, vin, name) for vin, (index, name) in by_vin.items()
            ]
            wanted += [(index, None, name) for name, index in by_name.items()]
            new: list[Asset] = []
            for index, vin, name in wanted:
                present = existing_vins.get(vin) if vin is not None else existing_names.get(name or "")
                if present is not None:
                    outcomes[index] = BulkOutcome(index, "exists", asset_id=present.id)
                    continue
                asset = Asset(str(uuid.uuid4()), organization_id, vin, name, now, now)
                new.append(asset)
                outcomes[index] = BulkOutcome(index, "created", asset_id=asset.id)
            if new:
                uow.assets.add_many(new)
                audit.note(
                    uow,
                    now,
                    organization_id,
                    AuditAction.ASSET_IMPORTED,
                    ("organization", organization_id),
                    after={"created": len(new)},
                )
            if any(asset.vin is not None for asset in new):
                self._vin_changed(uow, organization_id, now)
        return [outcomes[index] for index in sorted(outcomes)]

    def get(self, organization_id: str, asset_id: str) -> AssetView:
        """One asset."""
        with self._storage.read() as uow:
            return _with_units(uow, [require(uow, organization_id, asset_id)])[0]

    def list(
        self,
        organization_id: str,
        *,
        vin: str | None = None,
        paired: bool | None = None,
        search: str | None = None,
        after: str | None = None,
        limit: int = 100,
        order: AssetOrder = AssetOrder.ID,
    ) -> Page[AssetView]:
        """Assets in `order` (by id unless told), filtered by exact VIN, pairing state, or a VIN/name part."""
        with self._storage.read() as uow:
            return self._page(uow, organization_id, vin, paired, search, after, limit, order)

    def list_counted(
        self,
        organization_id: str,
        *,
        paired: bool | None = None,
        search: str | None = None,
        after: str | None = None,
        limit: int = 100,
        order: AssetOrder = AssetOrder.ID,
        most: int | None = None,
    ) -> tuple[Page[AssetView], int]:
        """`list` and `count` in one read, so that a search looks its matches up once for both."""
        text = search.strip() if search else None
        with self._storage.read() as uow:
            page = self._page(uow, organization_id, None, paired, text, after, limit, order)
            return page, uow.assets.count(organization_id, paired, text or None, most)

    def _page(
        self,
        uow: UnitOfWork,
        organization_id: str,
        vin: str | None,
        paired: bool | None,
        search: str | None,
        after: str | None,
        limit: int,
        order: AssetOrder,
    ) -> Page[AssetView]:
        exact = None if vin is None else vins.normalize_vin(vin)
        text = search.strip() if search else None
        organizations.require(uow, organization_id)
        last = self._cursors.decode_id(CursorKind.ASSETS, organization_id, after)
        found = uow.assets.search(organization_id, exact, paired, text or None, last, limit + 1, order)
        page = self._cursors.paginate_by_id(CursorKind.ASSETS, organization_id, found, limit, lambda a: a.id)
        return Page(_with_units(uow, page.items), page.next_cursor)

    def named(self, organization_id: str, asset_ids: Collection[str]) -> dict[str, Asset]:
        """These assets of the organization by id, to name them in lists (deleted ones left out)."""
        with self._storage.read() as uow:
            return uow.assets.get_many(organization_id, asset_ids)

    def count(
        self,
        organization_id: str,
        *,
        paired: bool | None = None,
        search: str | None = None,
        most: int | None = None,
    ) -> int:
        """How many assets `list` finds with these filters, on all its pages; past `most`, `most` + 1."""
        text = search.strip() if search else None
        with self._storage.read() as uow:
            organizations.require(uow, organization_id)
            return uow.assets.count(organization_id, paired, text or None, most)

    def update(self, organization_id: str, asset_id: str, changes: AssetChanges) -> AssetView:
        """Change the name and/or VIN; a new VIN re-matches the organization's waiting units."""
        now = self._clock.now_ms()
        normalized = normalize_asset_vin(changes.vin) if changes.vin_given else None
        with self._storage.write() as uow:
            current = require(uow, organization_id, asset_id)
            vin_changed = changes.vin_given and normalized != current.vin
            changed = replace(
                current,
                name=changes.name if changes.name_given else current.name,
                vin=normalized if vin_changed else current.vin,
                updated_at=now,
            )
            if not uow.assets.save(changed):
                raise asset_rules.duplicate_vin(normalized or "")
            if vin_changed and normalized:
                self._vin_changed(uow, organization_id, now)
            audit.note(
                uow,
                now,
                organization_id,
                AuditAction.ASSET_UPDATED,
                ("asset", asset_id),
                {"vin": current.vin, "name": current.name},
                {"vin": changed.vin, "name": changed.name},
            )
            return _with_units(uow, [changed])[0]

    def delete(self, organization_id: str, asset_id: str) -> None:
        """Delete an asset that has no paired units."""
        with self._storage.write() as uow:
            asset = require(uow, organization_id, asset_id)
            asset_rules.check_deletable(asset, uow.units.ids_by_asset([asset.id]).get(asset.id, ()))
            uow.assets.delete(asset_id)
            audit.note(
                uow,
                self._clock.now_ms(),
                organization_id,
                AuditAction.ASSET_DELETED,
                ("asset", asset_id),
                {"vin": asset.vin, "name": asset.name},
            )
