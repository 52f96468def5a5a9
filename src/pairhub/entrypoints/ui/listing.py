"""What the assets and units lists share: sort orders, and the pairings in force at a chosen time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from pairhub.domain.assets import Asset
from pairhub.domain.model import AutoPairingState
from pairhub.domain.overview import WAITING_OUTCOMES, AssetOrder, UnitOrder
from pairhub.domain.pairings import PairingRecord
from pairhub.entrypoints.parsing import choice, local_instant
from pairhub.entrypoints.ui.labels import UNIT_STATES
from pairhub.entrypoints.ui.web import Viewer, container_of

AS_OF_PAGE = 50
PAGE_SIZE = 50
SEARCH_TOTAL_MOST = 5_000
"""A search's total is counted up to this and shown as "more than" past it: a fragment common in a
million assets would otherwise be counted for a third of a second on every keystroke."""
UNIT_FILTERS = {
    "": "All units",
    "paired": "Paired",
    "unpaired": "Not paired",
    **{state.value: f"Waiting: {UNIT_STATES[state].text}" for state in WAITING_OUTCOMES},
    **{
        state.value: UNIT_STATES[state].text
        for state in (AutoPairingState.SUPPRESSED, AutoPairingState.IDLE, AutoPairingState.DISABLED)
    },
}


ASSET_SORTS = {
    AssetOrder.NAME: "Name",
    AssetOrder.VIN: "VIN",
    AssetOrder.UPDATED: "Updated (newest first)",
    AssetOrder.ID: "Id",
}
UNIT_SORTS = {
    UnitOrder.ID: "Unit id",
    UnitOrder.STATE: "Auto-pairing state",
    UnitOrder.LAST_SEEN: "Last seen (newest first)",
}


@dataclass(frozen=True)
class AsOf:
    """The "pairings as of" form as typed, and what it found (or why it could not look)."""

    text: str = ""
    tz_offset: str = ""
    at: int | None = None
    error: str | None = None
    entries: list[PairingRecord] = field(default_factory=list)
    next_cursor: str | None = None
    assets: dict[str, Asset] = field(default_factory=dict)


def pairings_as_of(request: Request, viewer: Viewer, text: str, tz_offset: str, after: str) -> AsOf:
    """The pairings in force at the browser's local date and time `text` (nothing asked: an empty form)."""
    if not text:
        return AsOf()
    at = local_instant(text, tz_offset)
    if at is None:
        problem = "Pick a date and a time (for example 2025-05-13 15:18) to see the pairings of that moment."
        return AsOf(text[:40], tz_offset[:8], error=problem)
    container = container_of(request)
    page = container.pairing.as_of(viewer.org_id, at, after or None, AS_OF_PAGE)
    assets = container.assets.named(viewer.org_id, {entry.asset_id for entry in page.items})
    return AsOf(text, tz_offset, at, None, list(page.items), page.next_cursor, assets)


def assets_list(
    request: Request, viewer: Viewer, q: str = "", paired: str = "", after: str = "", sort: str = ""
) -> dict[str, Any]:
    """The assets list's context: a keyset page in the chosen order, and the total on every page."""
    container = container_of(request)
    paired_filter = {"yes": True, "no": False}.get(paired)
    search = q.strip()[:100] or None
    order = choice(sort, AssetOrder) or AssetOrder.NAME
    most = SEARCH_TOTAL_MOST if search else None
    page, total = container.assets.list_counted(
        viewer.org_id,
        search=search,
        paired=paired_filter,
        after=after or None,
        limit=PAGE_SIZE,
        order=order,
        most=most,
    )
    return {
        "page": page,
        "q": q,
        "paired": paired,
        "after": after,
        "sort": order.value,
        "sorts": ASSET_SORTS,
        "total": total,
        "total_most": most,
        "form_error": None,
        "form": {},
    }


def units_list(
    request: Request, viewer: Viewer, show: str = "", after: str = "", sort: str = "", q: str = ""
) -> dict[str, Any]:
    """The units list's context: a keyset page in the chosen order, the assets it names, the total."""
    container = container_of(request)
    show = show if show in UNIT_FILTERS else ""
    paired = {"paired": True, "unpaired": False}.get(show)
    # "paired" is both a filter of its own and a state's name: the filter wins.
    state = choice(show, AutoPairingState) if paired is None else None
    order = choice(sort, UnitOrder) or UnitOrder.ID
    q = q.strip()
    page = container.units.list(
        viewer.org_id,
        paired=paired,
        state=state,
        after=after or None,
        limit=PAGE_SIZE,
        order=order,
        search=q or None,
    )
    counts = container.units.counts(viewer.org_id)
    total = {None: counts.total, True: counts.paired, False: counts.not_paired}[paired]
    assets = container.assets.named(viewer.org_id, {unit.asset_id for unit in page.items if unit.asset_id})
    return {
        "page": page,
        "show": show,
        "after": after,
        "sort": order.value,
        "sorts": UNIT_SORTS,
        "filters": UNIT_FILTERS,
        "total": counts.of(state) if state is not None else total,
        "all_units": counts.total,
        "q": q,
        "assets": assets,
        "form_error": None,
    }
