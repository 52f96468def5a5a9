"""Shared plumbing of the UI pages: templates, the session cookie, who is signed in, CSRF, flashes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from pairhub.bootstrap import Container
from pairhub.domain.access import ORGANIZATION_ACTIONS, Action, Decision, Principal, decide
from pairhub.domain.errors import DomainError, Invalid
from pairhub.domain.organizations import Organization
from pairhub.domain.vocabulary import how, plural
from pairhub.entrypoints.parsing import has_control
from pairhub.entrypoints.ui.formats import (
    countdown,
    format_duration,
    format_iso_time,
    format_time,
    json_body,
    pretty_json,
    prose,
    visible,
)
from pairhub.entrypoints.ui.labels import (
    attempt_text,
    check_digit_text,
    count_word,
    label_of,
    reason_text,
    rule_word,
)
from pairhub.entrypoints.ui.session import (
    COOKIE_NAME,
    MAX_AGE_S,
    SessionCodec,
    UiSession,
    csrf_matches,
    new_session,
)

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
CSRF_FIELD = "csrf_token"
# Scripts and styles come from this server only: no inline script, no inline style, no eval.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CSRF_HEADER = "x-csrf-token"


templates.env.filters["when"] = format_time
templates.env.filters["when_iso"] = format_iso_time
templates.env.filters["json_body"] = json_body
templates.env.filters["duration"] = format_duration
templates.env.filters["visible"] = visible
templates.env.filters["pretty"] = pretty_json
templates.env.filters["prose"] = prose
templates.env.globals["countdown"] = countdown
templates.env.globals["last_change"] = lambda request, viewer, target_id: last_change(
    request, viewer, target_id
)
templates.env.globals["label_of"] = label_of
templates.env.globals["count_word"] = count_word
templates.env.globals["plural"] = plural
templates.env.globals["how"] = how
templates.env.globals["attempt_text"] = attempt_text
templates.env.globals["check_digit_text"] = check_digit_text
templates.env.globals["rule_word"] = rule_word
templates.env.filters["reason_text"] = reason_text


def last_change(request: Request, viewer: Viewer | None, target_id: str) -> Markup:
    """`Last changed by Ada Lovelace · <time>` from the audit log, or nothing when no change is recorded."""
    if viewer is None or viewer.organization is None:
        return Markup("")
    latest = container_of(request).audit.latest_of(viewer.org_id, [target_id]).get(target_id)
    if latest is None:
        return Markup("")
    return Markup('<p class="muted" data-testid="last-change">Last changed by {} ({}) · {}</p>').format(
        latest.actor.name, latest.action.value, format_time(latest.at)
    )


class Redirect(Exception):
    """Raised by a dependency to send the browser elsewhere (sign in, pick an organization)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class CsrfRejected(Exception):
    """A state-changing request without this session's CSRF token."""


def container_of(request: Request) -> Container:
    """The process's container."""
    container: Container = request.app.state.container
    return container


def _codec(request: Request) -> SessionCodec:
    codec: SessionCodec = request.app.state.ui_sessions
    return codec


def _now_s(request: Request) -> int:
    return container_of(request).clock.now_ms() // 1000


def session_of(request: Request) -> UiSession:
    """This request's session; an anonymous one is started when the cookie is missing or invalid."""
    cached: UiSession | None = getattr(request.state, "ui_session", None)
    if cached is not None:
        return cached
    session = _codec(request).decode(request.cookies.get(COOKIE_NAME), _now_s(request))
    if session is None:
        session = new_session(_now_s(request))
        request.state.ui_session_dirty = True
    request.state.ui_session = session
    return session


def update_session(request: Request, session: UiSession) -> None:
    """Replace the session; the cookie is re-issued with the next response."""
    request.state.ui_session = session
    request.state.ui_session_dirty = True


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """Show `message` on the next page."""
    update_session(request, session_of(request).with_flash(message, kind))


def _store(request: Request, response: Response) -> Response:
    if getattr(request.state, "ui_session_dirty", False):
        response.set_cookie(
            COOKIE_NAME,
            _codec(request).encode(session_of(request)),
            max_age=MAX_AGE_S,
            path="/ui",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return response


def redirect(request: Request, location: str) -> Response:
    """303 to `location` (after a POST the browser GETs the next page), keeping the session."""
    return _store(request, RedirectResponse(location, status_code=303))


@dataclass(frozen=True)
class Viewer:
    """The signed-in person (or admin) and the organization their pages show."""

    session: UiSession
    organization: Organization | None
    principal: Principal

    @property
    def is_admin(self) -> bool:
        """True for the admin token and platform admins."""
        return self.principal.is_admin

    @property
    def name(self) -> str:
        """Who is signed in, as the header shows it."""
        return self.principal.actor_name

    def may(self, action: str) -> bool:
        """True when the policy lets this viewer take `action` here (to show or hide a link or a form)."""
        org = self.organization.id if self.organization else None
        return decide(self.principal, Action(action), org) is Decision.ALLOW

    @property
    def org_id(self) -> str:
        """The organization every page of this viewer is scoped to."""
        assert self.organization is not None, "an organization page was served without one"
        return self.organization.id


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    viewer: Viewer | None = None,
) -> Response:
    """A full page (or an htmx fragment) with the session, the viewer and a pending flash."""
    session = session_of(request)
    values: dict[str, Any] = {
        "session": session,
        "viewer": viewer,
        "csrf": session.csrf,
        "now_ms": container_of(request).clock.now_ms(),
        "flash": None,
        **(context or {}),
    }
    if session.flash is not None:
        values["flash"] = {"message": session.flash, "kind": session.flash_kind}
        update_session(request, replace(session, flash=None, flash_kind="ok"))
    response = templates.TemplateResponse(request, template, values, status_code=status)
    response.headers["content-security-policy"] = CONTENT_SECURITY_POLICY
    return _store(request, response)


class UiForbidden(Exception):
    """The policy refuses this page or form to the signed-in viewer."""


def _principal_of(request: Request) -> Principal | None:
    """The caller of this request's session while the session stands (looked up once per request)."""
    if hasattr(request.state, "ui_principal"):
        cached: Principal | None = request.state.ui_principal
        return cached
    session = session_of(request)
    active = None
    if session.signed_in and session.token is not None:
        active = container_of(request).sessions.active(session.token)
    if session.signed_in and active is None:
        # The server decides: a signed-out session, or one whose ground went, is over in every copied cookie.
        update_session(request, new_session(_now_s(request)).with_flash("Please sign in again.", "error"))
    request.state.ui_principal = None if active is None else active.principal
    return request.state.ui_principal  # type: ignore[no-any-return]


def authorize_ui(request: Request, action: Action | None) -> Principal | None:
    """Decide a UI page or form by the policy table, on the organization the viewer acts on; the caller."""
    principal = _principal_of(request)
    if action is None:
        raise UiForbidden("no policy")  # fail closed: a page nobody declared an action for is nobody's
    if action is Action.PUBLIC:
        return principal
    if principal is None:
        raise Redirect("/ui/sign-in")
    organization_id = session_of(request).organization_id
    if action in ORGANIZATION_ACTIONS and organization_id is None:
        raise Redirect("/ui/organizations")
    decision = decide(principal, action, organization_id)
    if decision is Decision.NOT_FOUND:
        # No longer a member of the organization the cookie names: pick another one.
        update_session(request, replace(session_of(request), organization_id=None))
        raise Redirect("/ui/organizations")
    if decision is not Decision.ALLOW:
        raise UiForbidden(action)
    return principal


def current_viewer(request: Request) -> Viewer:
    """The signed-in viewer, organization optional (pages outside an organization)."""
    principal = _principal_of(request)
    if principal is None:
        raise Redirect("/ui/sign-in")
    session = session_of(request)
    organization = None
    if session.organization_id is not None:
        try:
            organization = container_of(request).organizations.get(session.organization_id)
        except DomainError:
            organization = None
    return Viewer(session, organization, principal)


def org_viewer(request: Request) -> Viewer:
    """The signed-in viewer with an organization to act on; without one, they pick one first."""
    viewer = current_viewer(request)
    if viewer.organization is None:
        raise Redirect("/ui/organizations")
    return viewer


async def csrf_guard(request: Request) -> None:
    """Refuse any POST that does not carry the session's CSRF token (form field or htmx header)."""
    if request.method != "POST":
        return
    session = session_of(request)
    presented = request.headers.get(CSRF_HEADER)
    if not presented:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        presented = value if isinstance(value, str) else None
    if not csrf_matches(session, presented):
        raise CsrfRejected


ViewerDep = Annotated[Viewer, Depends(current_viewer)]
OrgViewerDep = Annotated[Viewer, Depends(org_viewer)]


def form_text(value: str, label: str) -> str:
    """A one-line form field without surrounding spaces; Invalid in words for a control character."""
    # Checked before stripping: str.strip() also removes some controls (line breaks, U+0085).
    if has_control(value):
        raise Invalid(
            "control_characters", f"{label} cannot contain control characters such as NUL or a line break."
        )
    return value.strip()


def safe_back(value: str | None, default: str) -> str:
    """A return address inside the UI only (no open redirects)."""
    if value and value.startswith("/ui/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def install_handlers(app: FastAPI) -> None:
    """Turn UI redirects and CSRF refusals into responses."""

    async def _redirect(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Redirect)
        return redirect(request, exc.location)

    async def _csrf(request: Request, _: Exception) -> Response:
        return render(request, "error.html", {"title": "Request refused", "kind": "csrf"}, status=403)

    def _forbidden(request: Request, exc: Exception) -> Response:
        viewer = current_viewer(request)
        message = "Your role in this organization does not allow this. Ask an owner of the organization."
        context = {"title": "Not allowed", "message": message, "action": str(exc)}
        return render(request, "error.html", context, status=403, viewer=viewer)

    app.add_exception_handler(Redirect, _redirect)
    app.add_exception_handler(CsrfRejected, _csrf)
    app.add_exception_handler(UiForbidden, _forbidden)


Listed = TypeVar("Listed")


def listed_or_refused(fetch: Callable[[], Sequence[Listed]]) -> tuple[Sequence[Listed], str | None]:
    """What a Datahub list page shows: the items, or none and why Datahub refuses the organization."""
    try:
        return fetch(), None
    except DomainError as refused:
        # Without an active Datahub subscription there is nothing to list: say so instead of an empty table.
        return [], refused.detail
