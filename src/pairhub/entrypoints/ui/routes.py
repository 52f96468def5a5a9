"""UI pages for signing in and out, organizations, settings and the event feed; `install` mounts the UI."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from pairhub.domain.errors import DomainError, Invalid
from pairhub.domain.events import Reason
from pairhub.entrypoints.ui import feeds, inventory, overview, portal, unknown_units
from pairhub.entrypoints.ui.session import SessionCodec, new_session
from pairhub.entrypoints.ui.web import (
    HERE,
    OrgViewerDep,
    Viewer,
    ViewerDep,
    container_of,
    csrf_guard,
    flash,
    form_text,
    install_handlers,
    redirect,
    render,
    session_of,
    update_session,
)
from pairhub.services.auth import Role
from pairhub.services.pagination import Page

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(csrf_guard)])
FormStr = Annotated[str, Form()]
EVENT_PAGE = 25


def install(app: FastAPI) -> None:
    """Serve the UI from `app`: pages under /ui, static files under /ui/static."""
    # Without a configured key, sessions are signed with one that lives as long as the process: a
    # restart signs everyone out.
    configured = app.state.container.settings.ui_session_key
    app.state.ui_sessions = SessionCodec(bytes.fromhex(configured) if configured else secrets.token_bytes(32))
    install_handlers(app)
    app.include_router(router)
    app.include_router(inventory.router)
    app.include_router(portal.router)
    app.include_router(feeds.router)
    app.include_router(overview.router)
    app.include_router(unknown_units.router)
    app.mount("/ui/static", StaticFiles(directory=HERE / "static"), name="ui-static")


@router.get("")
@router.get("/")
def home(request: Request) -> Response:
    """The start page: the overview when signed in, the sign-in form otherwise."""
    session = session_of(request)
    if not session.signed_in:
        return redirect(request, "/ui/sign-in")
    if session.is_admin and session.organization_id is None:
        return redirect(request, "/ui/organizations")
    return redirect(request, "/ui/overview")


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    """The sign-in form."""
    return render(request, "sign_in.html")


@router.post("/sign-in")
def sign_in(request: Request, token: FormStr = "") -> Response:
    """Exchange an organization key or the admin token for a session (the token is not kept)."""
    principal = container_of(request).authenticator.authenticate(token.strip()) if token.strip() else None
    if principal is None or principal.role is Role.INGEST:
        message = (
            "The ingest token only posts unit messages; sign in with an organization key or the admin token."
            if principal is not None
            else "That key or token is unknown or has been revoked."
        )
        return render(request, "sign_in.html", {"error": message}, status=401)
    # A fresh CSRF token at sign-in: a token planted before sign-in is worth nothing after it.
    session = replace(
        new_session(container_of(request).clock.now_ms() // 1000),
        role=principal.role.value,
        organization_id=principal.organization_id,
        key_id=principal.key_id,
        token=container_of(request).sessions.start(principal),
    )
    update_session(request, session)
    return redirect(request, "/ui/organizations" if principal.is_admin else "/ui/overview")


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    """End the session on the server, so that no copy of the cookie opens it again."""
    token = session_of(request).token
    if token is not None:
        container_of(request).sessions.end(token)
    update_session(
        request,
        new_session(container_of(request).clock.now_ms() // 1000).with_flash("You are signed out."),
    )
    return redirect(request, "/ui/sign-in")


def _forbidden(request: Request, viewer: Viewer) -> Response:
    return render(
        request,
        "error.html",
        {"title": "Admin only", "message": "Only the admin token may manage organizations."},
        status=403,
        viewer=viewer,
    )


@router.get("/organizations")
def organizations_page(request: Request, viewer: ViewerDep, after: str | None = None) -> Response:
    """The admin's list of organizations, to pick the one to act on or create one."""
    if not viewer.is_admin:
        return _forbidden(request, viewer)
    page = container_of(request).organizations.list(None, after, 50)
    return render(
        request, "organizations.html", {"page": page, "after": after, "new_key": None}, viewer=viewer
    )


@router.post("/organizations")
def create_organization(
    request: Request, viewer: ViewerDep, name: FormStr = "", auto_pairing: FormStr = ""
) -> Response:
    """Create an organization (admin) and act on it."""
    if not viewer.is_admin:
        return _forbidden(request, viewer)
    try:
        name = form_text(name, "An organization's name")
    except Invalid as refused:
        flash(request, refused.detail, "error")
        return redirect(request, "/ui/organizations")
    if not name:
        flash(request, "An organization needs a name.", "error")
        return redirect(request, "/ui/organizations")
    row = container_of(request).organizations.create(name[:200], auto_pairing == "on", True)
    update_session(request, replace(session_of(request), organization_id=row.id))
    flash(request, f"Organization {row.name} created; you are acting on it.")
    return redirect(request, "/ui/overview")


@router.post("/organizations/select")
def select_organization(request: Request, viewer: ViewerDep, organization_id: FormStr = "") -> Response:
    """Choose the organization the admin acts on."""
    if not viewer.is_admin:
        return _forbidden(request, viewer)
    try:
        row = container_of(request).organizations.get(form_text(organization_id, "The organization id"))
    except DomainError as error:
        flash(request, error.detail, "error")
        return redirect(request, "/ui/organizations")
    update_session(request, replace(session_of(request), organization_id=row.id))
    flash(request, f"You are acting on {row.name}.")
    return redirect(request, "/ui/overview")


@router.post("/organizations/{organization_id}/api-keys")
def create_api_key(request: Request, viewer: ViewerDep, organization_id: str) -> Response:
    """Create an API key for an organization (admin); the key is shown on this page only."""
    if not viewer.is_admin:
        return _forbidden(request, viewer)
    container = container_of(request)
    try:
        organization = container.organizations.get(organization_id)
        key_row, key = container.organizations.create_api_key(organization_id)
    except DomainError as error:
        flash(request, error.detail, "error")
        return redirect(request, "/ui/organizations")
    page = container.organizations.list(None, None, 50)
    new_key = {"organization": organization, "key": key, "id": key_row.id}
    return render(
        request, "organizations.html", {"page": page, "after": None, "new_key": new_key}, viewer=viewer
    )


@router.get("/settings")
def settings_page(request: Request, viewer: OrgViewerDep) -> Response:
    """The organization's auto pairing switch and Datahub subscription state."""
    return render(request, "settings.html", viewer=viewer)


@router.post("/settings/auto-pairing")
def set_auto_pairing(request: Request, viewer: OrgViewerDep, enabled: FormStr = "") -> Response:
    """Switch auto pairing on or off for the organization."""
    on = enabled == "true"
    container_of(request).organizations.update(viewer.org_id, auto_pairing_enabled=on)
    flash(request, f"Auto pairing is now {'on' if on else 'off'}.")
    return redirect(request, "/ui/settings")


@router.post("/settings/datahub")
def set_datahub(request: Request, viewer: OrgViewerDep, active: FormStr = "") -> Response:
    """Activate or deactivate the organization's Datahub subscription (admin only)."""
    if not viewer.is_admin:
        return render(
            request,
            "error.html",
            {"title": "Admin only", "message": "Only the admin can change the Datahub subscription."},
            status=403,
            viewer=viewer,
        )
    on = active == "true"
    container_of(request).organizations.update(viewer.org_id, datahub_subscription_active=on)
    flash(request, f"The Datahub subscription is now {'active' if on else 'inactive'}.")
    return redirect(request, "/ui/settings")


REASONS = [reason.value for reason in Reason]


@router.get("/events")
def events_page(
    request: Request,
    viewer: OrgViewerDep,
    version: str = "1",
    event_type: str = "",
    reason: str = "",
    unit: str = "",
    before: str = "",
) -> Response:
    """The organization's recent events, newest first, as JSON in the chosen payload version."""
    chosen = 2 if version == "2" else 1
    filters = {
        "version": str(chosen),
        "event_type": event_type if event_type in ("unit.paired", "unit.unpaired") else "",
        "reason": reason if reason in REASONS else "",
        "unit": unit.strip()[:100],
    }

    def recent(cursor: str | None) -> Page[dict[str, Any]]:
        return container_of(request).feed.recent(
            viewer.org_id,
            chosen,
            before=cursor,
            limit=EVENT_PAGE,
            event_type=filters["event_type"] or None,
            reason=filters["reason"] or None,
            unit_id_contains=filters["unit"] or None,
        )

    try:
        page, paged = recent(before.strip() or None), bool(before.strip())
    except Invalid:
        # A cursor edited in the address bar shows the newest events rather than an error.
        page, paged = recent(None), False
    return render(
        request,
        "events.html",
        {"page": page, "filters": filters, "reasons": REASONS, "paged": paged},
        viewer=viewer,
    )
