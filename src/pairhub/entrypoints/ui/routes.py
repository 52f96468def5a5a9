"""UI pages for signing in and out, organizations, settings and the event feed; `install` mounts the UI."""

from __future__ import annotations

import secrets
from dataclasses import asdict, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from pairhub.domain.access import Action, Decision, decide
from pairhub.domain.errors import DomainError, ErrorKind, Invalid, NotFound
from pairhub.domain.people import Person, email_key
from pairhub.entrypoints.api.routers.people import link
from pairhub.entrypoints.ui import (
    events,
    feeds,
    instance_people,
    inventory,
    overview,
    people,
    portal,
    recovery,
    unknown_units,
)
from pairhub.entrypoints.ui.session import SessionCodec, new_session
from pairhub.entrypoints.ui.web import (
    HERE,
    OrgViewerDep,
    ViewerDep,
    authorize_ui,
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
from pairhub.services.pagination import Page
from pairhub.services.sso import SsoAttempt, SsoUnavailable

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(csrf_guard)])
FormStr = Annotated[str, Form()]


def install(app: FastAPI) -> None:
    """Serve the UI from `app`: pages under /ui, static files under /ui/static."""
    # Without a configured key, sessions are signed with one that lives as long as the process: a
    # restart signs everyone out.
    configured = app.state.container.settings.ui_session_key
    app.state.ui_sessions = SessionCodec(bytes.fromhex(configured) if configured else secrets.token_bytes(32))
    app.state.ui_authorize = authorize_ui
    install_handlers(app)
    app.include_router(router)
    app.include_router(inventory.router)
    app.include_router(portal.router)
    app.include_router(recovery.router)
    app.include_router(events.router)
    app.include_router(feeds.router)
    app.include_router(overview.router)
    app.include_router(people.router)
    app.include_router(instance_people.router)
    app.include_router(unknown_units.router)
    app.mount("/ui/static", StaticFiles(directory=HERE / "static"), name="ui-static")


@router.get("")
@router.get("/")
def home(request: Request) -> Response:
    """The start page: the overview when signed in, the sign-in form otherwise."""
    session = session_of(request)
    if not session.signed_in:
        return redirect(request, "/ui/sign-in")
    return redirect(request, "/ui/overview" if session.organization_id else "/ui/organizations")


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    """The sign-in form (with the admin token's field only until a platform admin exists)."""
    return render(request, "sign_in.html", _sign_in_context(request))


def _sign_in_context(request: Request, **extra: Any) -> dict[str, Any]:
    container = container_of(request)
    return {
        "bootstrap": not container.people.has_platform_admin(),
        "sso_name": container.sso.name if container.sso else None,
        **extra,
    }


def _refused(request: Request, message: str) -> Response:
    return render(request, "sign_in.html", _sign_in_context(request, error=message), status=401)


def _start(request: Request, token: str, organization_id: str | None, is_admin: bool) -> Response:
    # A fresh CSRF token at sign-in: a token planted before sign-in is worth nothing after it.
    session = replace(
        new_session(container_of(request).clock.now_ms() // 1000),
        role="admin" if is_admin else "person",
        organization_id=organization_id,
        token=token,
    )
    update_session(request, session)
    return redirect(request, "/ui/overview" if organization_id else "/ui/organizations")


@router.post("/sign-in")
def sign_in(request: Request, email: FormStr = "", password: FormStr = "", token: FormStr = "") -> Response:
    """Sign a person in with email and password (or the admin token, until a platform admin exists)."""
    container = container_of(request)
    if token.strip():
        if container.people.has_platform_admin():
            return _refused(
                request, "The admin token signs in to the API only, now that a platform admin exists."
            )
        if not container.authenticator.is_admin_token(token.strip()):
            return _refused(request, "That is not the admin token.")
        return _start(request, container.sessions.start_admin(), None, is_admin=True)
    account, address = email_key(email), request.client.host if request.client else "unknown"
    wait_s = container.sign_in_throttle.retry_after_s(account, address)
    if wait_s is not None:
        # Refused whatever the password: trying during the lock teaches nothing and resets nothing.
        response = render(
            request,
            "sign_in.html",
            _sign_in_context(request, error=f"Too many failed sign-ins: try again in {wait_s} s."),
            status=429,
        )
        response.headers["retry-after"] = str(wait_s)
        return response
    person = container.people.check_password(email, password) if email.strip() and password else None
    if person is None:
        container.sign_in_throttle.failed(account, address)
        return _refused(request, "The email or the password is not right.")
    container.sign_in_throttle.succeeded(account)
    return _signed_in(request, person)


def _signed_in(request: Request, person: Person) -> Response:
    container = container_of(request)
    memberships = container.people.organizations_of(person.id)
    # One organization: straight to it; several (or a platform admin): pick one first.
    only = memberships[0].organization_id if len(memberships) == 1 and not person.platform_admin else None
    return _start(request, container.sessions.start_person(person.id), only, is_admin=person.platform_admin)


SSO_CALLBACK = "/ui/sign-in/oidc/callback"
SSO_STATUS = {ErrorKind.FORBIDDEN: 403, ErrorKind.INVALID: 400}


def _sso_refused(request: Request, message: str, status: int) -> Response:
    response = render(request, "sign_in.html", _sign_in_context(request, error=message), status=status)
    response.headers["cache-control"] = "no-store"
    return response


def _callback_url(request: Request) -> str:
    return link(request, SSO_CALLBACK)


@router.get("/sign-in/oidc")
def sso_begin(request: Request) -> Response:
    """Leave for the identity provider with a fresh state, nonce and PKCE challenge."""
    sso = container_of(request).sso
    if sso is None:
        return _sso_refused(request, "Single sign-on is not set up on this pairhub.", 404)
    try:
        url, attempt = sso.begin(_callback_url(request))
    except SsoUnavailable as error:
        return _sso_refused(request, error.detail, 502)
    update_session(request, replace(session_of(request), sso=asdict(attempt)))
    return redirect(request, url)


def _attempt(kept: dict[str, Any] | None) -> SsoAttempt | None:
    try:
        attempt = SsoAttempt(**kept) if kept else None
    except TypeError:
        return None
    if attempt is None or not isinstance(attempt.started_at_s, int):
        return None
    texts = (attempt.state, attempt.nonce, attempt.verifier)
    return attempt if all(isinstance(text, str) for text in texts) else None


@router.get("/sign-in/oidc/callback")
def sso_callback(
    request: Request, state: str = "", code: str = "", error: str = "", error_description: str = ""
) -> Response:
    """Back from the identity provider: the person is signed in, or refused in words."""
    container = container_of(request)
    sso = container.sso
    if sso is None:
        return _sso_refused(request, "Single sign-on is not set up on this pairhub.", 404)
    session = session_of(request)
    # The attempt is used once, whatever comes of it.
    update_session(request, replace(session, sso=None))
    if error:
        said = _one_line(error_description or error)[:300]
        return _sso_refused(request, f"{sso.name} did not sign you in ({said}).", 401)
    try:
        person = sso.finish(_attempt(session.sso), state, code, _callback_url(request))
    except SsoUnavailable as refused:
        return _sso_refused(request, refused.detail, 502)
    except DomainError as refused:
        return _sso_refused(request, refused.detail, SSO_STATUS.get(refused.kind, 400))
    return _signed_in(request, person)


def _one_line(value: str) -> str:
    """A provider's message as one plain line (control characters dropped)."""
    return "".join(ch for ch in value if ch.isprintable()).strip() or "no reason given"


def _signed_out(request: Request, message: str) -> Response:
    update_session(request, new_session(container_of(request).clock.now_ms() // 1000).with_flash(message))
    return redirect(request, "/ui/sign-in")


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    """End the session on the server, so that no copy of the cookie opens it again."""
    token = session_of(request).token
    if token is not None:
        container_of(request).sessions.end(token)
    return _signed_out(request, "You are signed out.")


@router.post("/sign-out-everywhere")
def sign_out_everywhere(request: Request, viewer: ViewerDep) -> Response:
    """End every session of this person, in every browser."""
    person_id = viewer.principal.person_id
    if person_id is not None:
        container_of(request).sessions.end_all_of(person_id)
    elif viewer.session.token is not None:
        container_of(request).sessions.end(viewer.session.token)
    return _signed_out(request, "You are signed out everywhere.")


@router.get("/organizations")
def organizations_page(request: Request, viewer: ViewerDep, after: str | None = None) -> Response:
    """The organizations to act on: every one for an admin (who may create more), one's own for others."""
    container = container_of(request)
    if viewer.is_admin:
        page = container.organizations.list(None, after, 50)
    else:
        ids = [m.organization_id for m in container.people.organizations_of(viewer.principal.person_id or "")]
        page = Page([container.organizations.get(org_id) for org_id in sorted(ids)], None)
    context: dict[str, Any] = {"page": page, "after": after, "database_bytes": None}
    if viewer.is_admin:
        context["database_bytes"] = container.database_bytes()
    return render(request, "organizations.html", context, viewer=viewer)


@router.get("/organizations/{organization_id}/erase")
def erase_organization_form(request: Request, viewer: ViewerDep, organization_id: str) -> Response:
    """Ask the platform admin to type the organization's name before erasing all of its data."""
    row = container_of(request).organizations.get(organization_id)
    return render(request, "organization_erase.html", {"organization": row, "error": None}, viewer=viewer)


@router.post("/organizations/{organization_id}/erase")
def erase_organization(
    request: Request, viewer: ViewerDep, organization_id: str, confirm_name: FormStr = ""
) -> Response:
    """Erase the organization (as `DELETE /v1/organizations/{id}` does) once its name was typed."""
    container = container_of(request)
    row = container.organizations.get(organization_id)
    if confirm_name.strip() != row.name:
        error = "The name typed is not the organization's name: nothing was erased."
        context = {"organization": row, "error": error}
        return render(request, "organization_erase.html", context, viewer=viewer, status=422)
    container.erase_organization(row.id)
    if session_of(request).organization_id == row.id:
        update_session(request, replace(session_of(request), organization_id=None))
    flash(request, f"Organization {row.name} and all of its data were erased.")
    return redirect(request, "/ui/organizations")


@router.post("/organizations")
def create_organization(
    request: Request, viewer: ViewerDep, name: FormStr = "", auto_pairing: FormStr = ""
) -> Response:
    """Create an organization (platform admin) and act on it."""
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
    """Choose the organization to act on (one the viewer may read)."""
    try:
        chosen = form_text(organization_id, "The organization id")
        if decide(viewer.principal, Action.ORGANIZATION_READ, chosen) is not Decision.ALLOW:
            raise NotFound("organization_not_found", f"Organization {chosen} does not exist.")
        row = container_of(request).organizations.get(chosen)
    except DomainError as error:
        flash(request, error.detail, "error")
        return redirect(request, "/ui/organizations")
    update_session(request, replace(session_of(request), organization_id=row.id))
    flash(request, f"You are acting on {row.name}.")
    return redirect(request, "/ui/overview")


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
    """Activate or deactivate the organization's Datahub subscription (platform admin)."""
    on = active == "true"
    container_of(request).organizations.update(viewer.org_id, datahub_subscription_active=on)
    flash(request, f"The Datahub subscription is now {'active' if on else 'inactive'}.")
    return redirect(request, "/ui/settings")
