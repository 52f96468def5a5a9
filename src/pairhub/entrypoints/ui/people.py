"""UI pages for people: API keys, members and invitations, accepting an invitation, one's own account."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from pairhub.domain.audit import AuditAction, AuditQuery
from pairhub.domain.errors import DomainError, Invalid
from pairhub.domain.organizations import KeyScope
from pairhub.domain.people import MemberRole
from pairhub.entrypoints.api.routers.people import invitation_path, reset_path
from pairhub.entrypoints.api.routers.people import link as absolute
from pairhub.entrypoints.parsing import sequence_number
from pairhub.entrypoints.ui.web import (
    OrgViewerDep,
    ViewerDep,
    container_of,
    csrf_guard,
    flash,
    form_text,
    redirect,
    render,
    session_of,
)

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(csrf_guard)])
FormStr = Annotated[str, Form()]
ROLES = [role.value for role in MemberRole]
SCOPES = [scope.value for scope in KeyScope]
AUDIT_PAGE = 50


def _keys_page(request: Request, viewer: Any, new_key: dict[str, str] | None = None) -> Response:
    page = container_of(request).organizations.api_keys(viewer.org_id, None, 200)
    context = {"keys": page.items, "new_key": new_key, "scopes": SCOPES}
    return render(request, "api_keys.html", context, viewer=viewer, status=201 if new_key else 200)


@router.get("/api-keys")
def api_keys_page(request: Request, viewer: OrgViewerDep) -> Response:
    """The organization's API keys: name, first characters, scope, who made it, last use, expiry."""
    return _keys_page(request, viewer)


def _expiry(days: str, now_ms: int) -> int | None:
    text = days.strip()
    if not text:
        return None
    if not text.isascii() or not text.isdecimal() or not 1 <= int(text) <= 3650:
        raise Invalid("expiry_in_the_past", "A key expires after 1 to 3650 days, or never (leave it empty).")
    return now_ms + int(text) * 86_400_000


@router.post("/api-keys")
def create_api_key(
    request: Request, viewer: OrgViewerDep, name: FormStr = "", scope: FormStr = "full", days: FormStr = ""
) -> Response:
    """Create a key; it is shown on this page this once."""
    container = container_of(request)
    try:
        chosen = KeyScope(scope) if scope in SCOPES else None
        if chosen is None:
            raise Invalid("validation_error", "Choose the key's scope: full, read or ingest.")
        created, key = container.organizations.create_api_key(
            viewer.org_id,
            name=form_text(name, "A key's name")[:200],
            scope=chosen,
            expires_at=_expiry(days, container.clock.now_ms()),
            created_by=viewer.name,
        )
    except DomainError as error:
        flash(request, error.detail, "error")
        return redirect(request, "/ui/api-keys")
    response = _keys_page(request, viewer, {"key": key, "name": created.name or created.prefix})
    response.headers["cache-control"] = "no-store"
    return response


@router.post("/api-keys/{key_id}/revoke")
def revoke_api_key(request: Request, viewer: OrgViewerDep, key_id: str) -> Response:
    """Revoke a key: refused from the next request on."""
    try:
        container_of(request).organizations.revoke_api_key(viewer.org_id, key_id)
        flash(request, "The key is revoked: it no longer works.")
    except DomainError as error:
        flash(request, error.detail, "error")
    return redirect(request, "/ui/api-keys")


def _members_page(
    request: Request, viewer: Any, link: str | None = None, reset: dict[str, str] | None = None
) -> Response:
    container = container_of(request)
    members = container.people.members(viewer.org_id, None, 500).items
    invitations = container.invitations.open_of(viewer.org_id, None, 200).items
    context = {"members": members, "invitations": invitations, "roles": ROLES, "link": link, "reset": reset}
    return render(request, "members.html", context, viewer=viewer, status=201 if link or reset else 200)


@router.get("/members")
def members_page(request: Request, viewer: OrgViewerDep) -> Response:
    """The organization's people with their roles, and the open invitations."""
    return _members_page(request, viewer)


@router.post("/members/invite")
def invite(request: Request, viewer: OrgViewerDep, email: FormStr = "", role: FormStr = "viewer") -> Response:
    """Invite someone; the one-time link is shown this once."""
    try:
        if role not in ROLES:
            raise Invalid("validation_error", "Choose a role: owner, operator or viewer.")
        _, token = container_of(request).invitations.invite(
            viewer.org_id, form_text(email, "An email"), MemberRole(role), viewer.name
        )
    except DomainError as error:
        flash(request, error.detail, "error")
        return redirect(request, "/ui/members")
    url = absolute(request, invitation_path(token))
    organization = viewer.organization.name if viewer.organization else ""
    mailed = container_of(request).notices.invitation(email.strip(), url, organization, role, viewer.name)
    if mailed:
        flash(request, f"The invitation was mailed to {email.strip()}.")
    response = _members_page(request, viewer, url)
    response.headers["cache-control"] = "no-store"
    return response


@router.post("/members/{person_id}/role")
def change_role(request: Request, viewer: OrgViewerDep, person_id: str, role: FormStr = "") -> Response:
    """Give a member another role (their sessions end)."""
    try:
        if role not in ROLES:
            raise Invalid("validation_error", "Choose a role: owner, operator or viewer.")
        member = container_of(request).people.change_role(viewer.org_id, person_id, MemberRole(role))
        flash(request, f"{member.person.display_name} is now {role}.")
    except DomainError as error:
        flash(request, error.detail, "error")
    return redirect(request, "/ui/members")


@router.post("/members/{person_id}/password-reset")
def password_reset(request: Request, viewer: OrgViewerDep, person_id: str) -> Response:
    """A one-time link for the member to set a new password, shown this once (and mailed when set up)."""
    container = container_of(request)
    try:
        created, token = container.invitations.reset_link(viewer.org_id, person_id, viewer.name)
    except DomainError as error:
        flash(request, error.detail, "error")
        return redirect(request, "/ui/members")
    url = absolute(request, reset_path(token))
    container.notices.password_reset(created.email, url)
    response = _members_page(request, viewer, reset={"email": created.email, "url": url})
    response.headers["cache-control"] = "no-store"
    return response


@router.get("/password-reset/{token}")
def reset_form(request: Request, token: str) -> Response:
    """The form that sets a new password through a reset link."""
    response = render(request, "password_reset.html", {"token": token})
    response.headers["referrer-policy"] = "no-referrer"
    return response


@router.post("/password-reset/{token}")
def reset(request: Request, token: str, password: FormStr = "") -> Response:
    """Set the new password; every session of the person ends; then sign in."""
    try:
        person = container_of(request).invitations.reset_password(token, password)
    except DomainError as error:
        response = render(request, "password_reset.html", {"token": token, "error": error.detail}, status=422)
        response.headers["referrer-policy"] = "no-referrer"
        return response
    flash(request, f"Your password is set: sign in with {person.email} and the new password.")
    return redirect(request, "/ui/sign-in")


@router.post("/members/{person_id}/remove")
def remove_member(request: Request, viewer: OrgViewerDep, person_id: str) -> Response:
    """Take a person out of the organization (their sessions end)."""
    try:
        container_of(request).people.remove(viewer.org_id, person_id)
        flash(request, "The person no longer belongs to this organization.")
    except DomainError as error:
        flash(request, error.detail, "error")
    return redirect(request, "/ui/members")


@router.post("/invitations/{invitation_id}/withdraw")
def withdraw(request: Request, viewer: OrgViewerDep, invitation_id: str) -> Response:
    """Withdraw an open invitation."""
    try:
        container_of(request).invitations.withdraw(viewer.org_id, invitation_id)
        flash(request, "The invitation is withdrawn: its link no longer works.")
    except DomainError as error:
        flash(request, error.detail, "error")
    return redirect(request, "/ui/members")


@router.get("/invitations/{token}")
def accept_form(request: Request, token: str) -> Response:
    """The form that accepts an invitation: a name and a password."""
    response = render(request, "accept.html", {"token": token})
    response.headers["referrer-policy"] = "no-referrer"
    return response


@router.post("/invitations/{token}")
def accept(request: Request, token: str, name: FormStr = "", password: FormStr = "") -> Response:
    """Accept the invitation, then sign in."""
    try:
        person = container_of(request).invitations.accept(token, form_text(name, "A name")[:200], password)
    except DomainError as error:
        response = render(request, "accept.html", {"token": token, "error": error.detail}, status=422)
        response.headers["referrer-policy"] = "no-referrer"
        return response
    flash(request, f"Welcome, {person.display_name}: sign in with {person.email} and your password.")
    return redirect(request, "/ui/sign-in")


@router.get("/account")
def account_page(request: Request, viewer: ViewerDep) -> Response:
    """One's own account: the password, and signing out everywhere."""
    return render(request, "account.html", viewer=viewer)


@router.post("/account/password")
def change_password(
    request: Request, viewer: ViewerDep, current: FormStr = "", new: FormStr = ""
) -> Response:
    """Set a new password; every other session of this person ends."""
    person_id = viewer.principal.person_id
    try:
        if person_id is None:
            raise Invalid("wrong_password", "The admin token has no password to change.")
        container_of(request).people.change_password(person_id, current, new, session_of(request).token)
        flash(request, "Your password is changed; your other sessions are signed out.")
    except DomainError as error:
        flash(request, error.detail, "error")
    return redirect(request, "/ui/account")


ACTIONS = [action.value for action in AuditAction]


@router.get("/audit-log")
def audit_page(
    request: Request,
    viewer: OrgViewerDep,
    actor: str = "",
    action: str = "",
    target: str = "",
    after: str = "",
) -> Response:
    """The organization's changes, newest first, filtered by actor, action and target."""
    filters = {
        "actor": actor.strip()[:100],
        "action": action if action in ACTIONS else "",
        "target": target.strip()[:100],
    }
    before = sequence_number(after.strip() or None)
    query = AuditQuery(
        viewer.org_id,
        actor_id=filters["actor"] or None,
        action=filters["action"] or None,
        target_id=filters["target"] or None,
        before=before,
    )
    page = container_of(request).audit.list(query, AUDIT_PAGE)
    context = {"page": page, "filters": filters, "actions": ACTIONS, "paged": before is not None}
    return render(request, "audit_log.html", context, viewer=viewer)
