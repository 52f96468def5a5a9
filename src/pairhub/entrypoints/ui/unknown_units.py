"""Unknown units (admin): ids that reported without being provisioned, each added in one click."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from pairhub.domain.errors import DomainError, Invalid
from pairhub.entrypoints.api.problems import status_of
from pairhub.entrypoints.ui.web import (
    Viewer,
    ViewerDep,
    container_of,
    csrf_guard,
    flash,
    redirect,
    render,
)

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(csrf_guard)])
FormStr = Annotated[str, Form()]
PAGE = 50
ORGANIZATIONS_OFFERED = 200


def _page(
    request: Request, viewer: Viewer, after: str | None, error: str | None = None, status: int = 200
) -> Response:
    if not viewer.is_admin:
        message = "Unknown units are shown to the administrator, who adds them to an organization."
        return render(
            request, "error.html", {"title": "Admin only", "message": message}, status=403, viewer=viewer
        )
    container = container_of(request)
    # The organization the admin acts on comes first, chosen: the usual target of "Add this unit".
    acting = [viewer.organization] if viewer.organization else []
    others = container.organizations.list(None, None, ORGANIZATIONS_OFFERED).items
    try:
        page = container.unknown_units.list(after, PAGE)
    except Invalid:
        # A cursor edited in the address bar shows the first page rather than an error.
        page, after = container.unknown_units.list(None, PAGE), None
    context = {
        "page": page,
        "organizations": [*acting, *(org for org in others if org not in acting)],
        "after": after,
        "error": error,
        "limit": container.settings.unknown_units_limit,
    }
    return render(request, "unknown_units.html", context, status=status, viewer=viewer)


@router.get("/unknown-units")
def unknown_units_page(request: Request, viewer: ViewerDep, after: str | None = None) -> Response:
    """Unit ids refused as not provisioned, most recently seen first, each with "Add this unit"."""
    return _page(request, viewer, after)


@router.post("/unknown-units/add")
def add_unknown_unit(
    request: Request, viewer: ViewerDep, unit_id: FormStr = "", organization_id: FormStr = ""
) -> Response:
    """Provision a unit that reported unknown with the chosen organization: its next message is taken."""
    if not viewer.is_admin:
        return _page(request, viewer, None)
    container = container_of(request)
    try:
        unit = container.units.provision(organization_id, unit_id)
        organization = container.organizations.get(organization_id)
    except DomainError as error:
        return _page(request, viewer, None, error.detail, status_of(error))
    flash(request, f"Unit {unit.id} added to {organization.name}: its next message is taken.")
    return redirect(request, "/ui/unknown-units")
