"""UI pages for assets and units, and manual pairing and unpairing from either side."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from pairhub.bootstrap import Container
from pairhub.domain.errors import DomainError, Invalid
from pairhub.domain.vin import check_digit_valid
from pairhub.entrypoints.api.problems import status_of
from pairhub.entrypoints.ui.listing import AsOf, assets_list, pairings_as_of, units_list
from pairhub.entrypoints.ui.web import (
    OrgViewerDep,
    Viewer,
    container_of,
    csrf_guard,
    flash,
    form_text,
    redirect,
    render,
    safe_back,
)
from pairhub.services.assets import AssetChanges, AssetView
from pairhub.services.feed import EventFilter

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(csrf_guard)])
FormStr = Annotated[str, Form()]


def _not_found(request: Request, viewer: Viewer, error: DomainError) -> Response:
    return render(
        request, "error.html", {"title": "Not found", "message": error.detail}, status=404, viewer=viewer
    )


def _asset_context(view: AssetView) -> dict[str, Any]:
    vin = view.asset.vin
    return {"asset": view, "check_digit_ok": check_digit_valid(vin) if vin else None}


# --- assets -------------------------------------------------------------------------------------


@router.get("/assets")
def assets_page(
    request: Request,
    viewer: OrgViewerDep,
    q: str = "",
    paired: str = "",
    after: str = "",
    sort: str = "",
    as_of: str = "",
    tz_offset: str = "",
    as_of_after: str = "",
) -> Response:
    """Assets sorted by name (or VIN, update, id), searchable, filterable, with the pairings as of a time."""
    context = assets_list(request, viewer, q, paired, after, sort)
    # htmx live search asks for the results table only; the address bar still gets the full URL.
    if request.headers.get("hx-request"):
        return render(request, "assets_results.html", context, viewer=viewer)
    as_of_found = pairings_as_of(request, viewer, as_of, tz_offset, as_of_after)
    status = 400 if as_of_found.error else 200
    return render(request, "assets.html", {**context, "as_of": as_of_found}, status=status, viewer=viewer)


@router.post("/assets")
def create_asset(request: Request, viewer: OrgViewerDep, vin: FormStr = "", name: FormStr = "") -> Response:
    """Create an asset; a VIN may pair waiting units at once."""
    try:
        name = form_text(name, "The name")[:200]
        view = container_of(request).assets.create(viewer.org_id, vin or None, name or None)
    except DomainError as error:
        context = {
            **assets_list(request, viewer),
            "as_of": AsOf(),
            "form_error": error.detail,
            "form": {"vin": vin, "name": name},
        }
        return render(request, "assets.html", context, status=status_of(error), viewer=viewer)
    flash(request, "Asset created.")
    return redirect(request, f"/ui/assets/{view.asset.id}")


def _asset_page(
    request: Request,
    viewer: Viewer,
    view: AssetView,
    *,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    container = container_of(request)
    free_units = container.units.list(viewer.org_id, paired=False, limit=100).items
    # A refused edit shows what was typed, next to the reason, rather than the stored values.
    form = typed or {"vin": view.asset.vin or "", "name": view.asset.name or ""}
    # Each paired unit with when it was paired and the VIN it reports: two units reporting this
    # asset's VIN are both paired (docs/auto-pairing.md), and the page says so.
    paired = sorted(
        (container.units.get(viewer.org_id, unit_id) for unit_id in view.unit_ids),
        key=lambda unit: (unit.paired_at or 0, unit.id),
    )
    context = {
        **_asset_context(view),
        "free_units": free_units,
        "error": error,
        "form": form,
        "paired_units": paired,
    }
    return render(request, "asset.html", context, status=status, viewer=viewer)


@router.get("/assets/{asset_id}")
def asset_page(request: Request, viewer: OrgViewerDep, asset_id: str) -> Response:
    """One asset: edit its VIN and name, its paired units, pair or unpair, delete."""
    try:
        view = container_of(request).assets.get(viewer.org_id, asset_id)
    except DomainError as error:
        return _not_found(request, viewer, error)
    return _asset_page(request, viewer, view)


@router.post("/assets/{asset_id}")
def edit_asset(
    request: Request, viewer: OrgViewerDep, asset_id: str, vin: FormStr = "", name: FormStr = ""
) -> Response:
    """Change an asset's VIN and name; a new VIN may pair waiting units at once."""
    container = container_of(request)
    try:
        name = form_text(name, "The name")[:200]
        changes = AssetChanges(vin or None, name or None, vin_given=True, name_given=True)
        view = container.assets.update(viewer.org_id, asset_id, changes)
    except DomainError as error:
        try:
            current = container.assets.get(viewer.org_id, asset_id)
        except DomainError:
            return _not_found(request, viewer, error)
        typed = {"vin": vin, "name": name}
        return _asset_page(request, viewer, current, error=error.detail, typed=typed, status=status_of(error))
    message = "Asset saved."
    if view.unit_ids:
        # A new VIN may just have paired waiting units: name them so the fix is visibly done.
        message += f" Paired units: {', '.join(view.unit_ids)}."
    flash(request, message)
    return redirect(request, f"/ui/assets/{asset_id}")


@router.post("/assets/{asset_id}/delete")
def delete_asset(request: Request, viewer: OrgViewerDep, asset_id: str, confirmed: FormStr = "") -> Response:
    """Delete an asset after confirmation; refused in words while units are paired to it."""
    container = container_of(request)
    try:
        view = container.assets.get(viewer.org_id, asset_id)
    except DomainError as error:
        return _not_found(request, viewer, error)
    back = f"/ui/assets/{asset_id}"
    if confirmed != "yes":
        context = {"action": "delete_asset", "asset": view, "back": back, "error": None}
        return render(request, "confirm.html", context, viewer=viewer)
    try:
        container.assets.delete(viewer.org_id, asset_id)
    except DomainError as error:
        context = {"action": "delete_asset", "asset": view, "back": back, "error": error.detail}
        return render(request, "confirm.html", context, status=status_of(error), viewer=viewer)
    flash(request, "Asset deleted.")
    return redirect(request, "/ui/assets")


# --- units --------------------------------------------------------------------------------------


@router.get("/units")
def units_page(
    request: Request,
    viewer: OrgViewerDep,
    show: str = "",
    after: str = "",
    sort: str = "",
    as_of: str = "",
    tz_offset: str = "",
    as_of_after: str = "",
    q: str = "",
) -> Response:
    """Units by id, state or last report, filtered by state or part of the id; the pairings as of a time."""
    as_of_found = pairings_as_of(request, viewer, as_of, tz_offset, as_of_after)
    context = {**units_list(request, viewer, show, after, sort, q), "as_of": as_of_found}
    return render(request, "units.html", context, status=400 if as_of_found.error else 200, viewer=viewer)


@router.post("/units")
def provision_unit(request: Request, viewer: OrgViewerDep, unit_id: FormStr = "") -> Response:
    """Provision a unit for the organization."""
    try:
        unit = container_of(request).units.provision(viewer.org_id, form_text(unit_id, "The unit id"))
    except DomainError as error:
        context = {
            **units_list(request, viewer),
            "as_of": AsOf(),
            "form_error": error.detail,
            "form": {"unit_id": unit_id},
        }
        return render(request, "units.html", context, status=status_of(error), viewer=viewer)
    flash(request, f"Unit {unit.id} provisioned.")
    return redirect(request, f"/ui/units/{unit.id}")


def _candidates(container: Container, org_id: str, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for asset_id in ids:
        try:
            found.append({"id": asset_id, "asset": container.assets.get(org_id, asset_id)})
        except DomainError:
            # A candidate deleted since the attempt stays listed, without a pair button.
            found.append({"id": asset_id, "asset": None})
    return found


def _asset_label(container: Container, org_id: str, asset_id: str) -> str:
    try:
        asset = container.assets.get(org_id, asset_id).asset
    except DomainError:
        return f"{asset_id} (deleted)"
    return asset.name or asset.vin or asset_id


@router.get("/units/{unit_id}")
def unit_page(request: Request, viewer: OrgViewerDep, unit_id: str) -> Response:
    """One unit: pairing, last report, auto-pairing outcome (candidates, reminders), history, events."""
    container = container_of(request)
    try:
        unit = container.units.get(viewer.org_id, unit_id)
    except DomainError as error:
        return _not_found(request, viewer, error)
    asset = None
    if unit.asset_id is not None:
        try:
            asset = container.assets.get(viewer.org_id, unit.asset_id)
        except DomainError:
            asset = None
    history = container.pairing.history(viewer.org_id, unit_id, None, 100).items
    labels: dict[str, str] = {}
    for entry in history:
        if entry.asset_id not in labels:
            labels[entry.asset_id] = _asset_label(container, viewer.org_id, entry.asset_id)
    events = container.feed.recent(viewer.org_id, 1, limit=10, only=EventFilter(unit_id=unit_id)).items
    context = {
        "unit": unit,
        "asset": asset,
        "candidates": _candidates(container, viewer.org_id, unit.candidates),
        "history": list(reversed(history)),
        "asset_labels": labels,
        "reminder_total": int(container.settings.reminder_window // container.settings.reminder_interval),
        "events": events,
        "attempts": container.units.attempts(viewer.org_id, unit_id, None, 5).items,
    }
    return render(request, "unit.html", context, viewer=viewer)


@router.post("/units/{unit_id}/delete")
def delete_unit(request: Request, viewer: OrgViewerDep, unit_id: str, confirmed: FormStr = "") -> Response:
    """Delete an unpaired unit after confirmation."""
    container = container_of(request)
    try:
        unit = container.units.get(viewer.org_id, unit_id)
    except DomainError as error:
        return _not_found(request, viewer, error)
    back = f"/ui/units/{unit_id}"
    context: dict[str, Any] = {"action": "delete_unit", "unit": unit, "back": back, "error": None}
    if confirmed != "yes":
        return render(request, "confirm.html", context, viewer=viewer)
    try:
        container.units.delete(viewer.org_id, unit_id)
    except DomainError as error:
        return render(
            request,
            "confirm.html",
            {**context, "error": error.detail},
            status=status_of(error),
            viewer=viewer,
        )
    flash(request, f"Unit {unit_id} deleted.")
    return redirect(request, "/ui/units")


# --- pairing ------------------------------------------------------------------------------------


def _find_asset(container: Container, org_id: str, reference: str) -> AssetView:
    """The organization's asset with this VIN or id."""
    reference = reference.strip()
    if not reference:
        raise Invalid("asset_required", "Enter the VIN or the id of an asset.")
    by_vin = container.assets.list(org_id, vin=reference, limit=1).items
    if by_vin:
        return by_vin[0]
    return container.assets.get(org_id, reference)


def _refused(request: Request, context: dict[str, Any], error: DomainError, viewer: Viewer) -> Response:
    """The confirmation page again, with the reason the action was refused."""
    return render(
        request, "confirm.html", {**context, "error": error.detail}, status=status_of(error), viewer=viewer
    )


@router.post("/pairings")
def pair(
    request: Request,
    viewer: OrgViewerDep,
    unit_id: FormStr = "",
    asset: FormStr = "",
    confirmed: FormStr = "",
    back: FormStr = "",
) -> Response:
    """Pair a unit with an asset: a confirmation page first, then the pairing (or the reason it failed)."""
    container = container_of(request)
    back = safe_back(back, "/ui/units")
    context: dict[str, Any] = {"action": "pair", "back": back, "unit_id": unit_id.strip(), "error": None}
    try:
        context["unit"] = unit = container.units.get(viewer.org_id, form_text(unit_id, "The unit id"))
        context["asset"] = view = _find_asset(container, viewer.org_id, form_text(asset, "The asset"))
    except DomainError as error:
        return _refused(request, context, error, viewer)
    if unit.asset_id is not None and unit.asset_id != view.asset.id:
        # Say so before asking "Pair…?": the answer would only be this refusal.
        context.update(
            error=f"Unit {unit.id} is paired with another asset; unpair it first.",
            current_asset_id=unit.asset_id,
        )
        return render(request, "confirm.html", context, status=409, viewer=viewer)
    if confirmed != "yes":
        return render(request, "confirm.html", context, viewer=viewer)
    try:
        result = container.pairing.pair(viewer.org_id, unit_id.strip(), view.asset.id, via="ui")
    except DomainError as error:
        current = getattr(error, "extra", {}).get("assetId")
        context.update(error=error.detail, current_asset_id=current)
        return render(request, "confirm.html", context, status=status_of(error), viewer=viewer)
    label = view.asset.name or view.asset.vin or view.asset.id
    flash(
        request,
        f"Unit {unit_id.strip()} {'is paired' if result.created else 'was already paired'} with {label}.",
    )
    return redirect(request, back)


@router.post("/pairings/unpair")
def unpair(
    request: Request, viewer: OrgViewerDep, unit_id: FormStr = "", confirmed: FormStr = "", back: FormStr = ""
) -> Response:
    """Unpair a unit after confirmation; auto pairing then waits for the unit to report another VIN."""
    container = container_of(request)
    back = safe_back(back, "/ui/units")
    context: dict[str, Any] = {"action": "unpair", "back": back, "unit_id": unit_id.strip(), "error": None}
    try:
        unit = context["unit"] = container.units.get(viewer.org_id, form_text(unit_id, "The unit id"))
        if unit.asset_id is not None:
            context["asset"] = container.assets.get(viewer.org_id, unit.asset_id)
    except DomainError as error:
        return _refused(request, context, error, viewer)
    if confirmed != "yes":
        return render(request, "confirm.html", context, viewer=viewer)
    try:
        container.pairing.unpair(viewer.org_id, unit_id.strip(), via="ui")
    except DomainError as error:
        return _refused(request, context, error, viewer)
    flash(request, f"Unit {unit_id.strip()} is unpaired.")
    return redirect(request, back)
