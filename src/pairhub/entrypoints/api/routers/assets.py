"""Assets of an organization."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from pairhub.entrypoints import listing
from pairhub.entrypoints.api import presenters
from pairhub.entrypoints.api.deps import DEFAULT_LIMIT, AfterDep, ContainerDep, LimitDep, OrgIdDep
from pairhub.entrypoints.api.schemas import (
    AssetIn,
    AssetOut,
    AssetPatch,
    BulkAssetsIn,
    BulkAssetsOut,
    PageOut,
)
from pairhub.services.assets import AssetChanges

router = APIRouter(prefix="/v1/organizations/{org_id}/assets", tags=["assets"])


@router.post("", status_code=201, response_model=AssetOut)
def create_asset(body: AssetIn, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Create an asset; its VIN is normalized and must be a full 17-character VIN."""
    return presenters.asset(c.assets.create(org_id, body.vin, body.name))


@router.post("/bulk", response_model=BulkAssetsOut)
def create_assets_in_bulk(body: BulkAssetsIn, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Create many assets in one transaction; those present (same VIN, else same name) are reported.

    Every created and existing item is listed with its id; of the refused ones, the first 20, and
    `moreRefused` counts the others.
    """
    outcomes = c.assets.create_many(org_id, [(item.vin, item.name) for item in body.assets])
    listed, more = listing.capped([o.index for o in outcomes if o.status == "refused"])
    shown = set(listed)
    results = [
        {"index": o.index, "status": o.status, "id": o.asset_id, "code": o.code, "detail": o.detail}
        for o in outcomes
        if o.status != "refused" or o.index in shown
    ]
    counts = {
        status: sum(o.status == status for o in outcomes) for status in ("created", "exists", "refused")
    }
    return {
        "created": counts["created"],
        "existing": counts["exists"],
        "refused": counts["refused"],
        "results": results,
        "moreRefused": more,
    }


@router.get("", response_model=PageOut[AssetOut])
def list_assets(
    org_id: OrgIdDep,
    c: ContainerDep,
    vin: Annotated[str | None, Query(max_length=64)] = None,
    paired: bool | None = None,
    q: Annotated[
        str | None, Query(max_length=64, description="Any part of the VIN or the name, case-insensitive.")
    ] = None,
    after: AfterDep = None,
    limit: LimitDep = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Assets, filtered by VIN, pairing state or a search fragment."""
    page = c.assets.list(org_id, vin=vin, paired=paired, search=q, after=after, limit=limit)
    return {"data": [presenters.asset(v) for v in page.items], "nextCursor": page.next_cursor}


@router.get("/{asset_id}", response_model=AssetOut)
def get_asset(asset_id: str, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """One asset."""
    return presenters.asset(c.assets.get(org_id, asset_id))


@router.patch("/{asset_id}", response_model=AssetOut)
def update_asset(asset_id: str, body: AssetPatch, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Change an asset's VIN or name."""
    given = body.model_fields_set
    changes = AssetChanges(body.vin, body.name, vin_given="vin" in given, name_given="name" in given)
    return presenters.asset(c.assets.update(org_id, asset_id, changes))


@router.delete("/{asset_id}", status_code=204)
def delete_asset(asset_id: str, org_id: OrgIdDep, c: ContainerDep) -> Response:
    """Delete an asset that has no paired units."""
    c.assets.delete(org_id, asset_id)
    return Response(status_code=204)
