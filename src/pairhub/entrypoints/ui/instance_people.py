"""People across the instance (platform admin): searched by part of the email or name, platform-admin
rights granted or taken, accounts deleted."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from pairhub.domain.errors import DomainError
from pairhub.entrypoints.ui.web import ViewerDep, container_of, csrf_guard, flash, redirect, render

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(csrf_guard)])
FormStr = Annotated[str, Form()]
PAGE = 50
ORGANIZATIONS_NAMED = 1000


def _back(q: str) -> str:
    """The list as it was searched, to come back to after a change."""
    text = q.strip()[:320]
    return "/ui/people" + (f"?{urlencode({'q': text})}" if text else "")


@router.get("/people")
def people_page(request: Request, viewer: ViewerDep, q: str = "", after: str = "") -> Response:
    """Everyone on the instance by email, with their organizations, roles and platform-admin rights."""
    container = container_of(request)
    search = q.strip()[:320]
    page = container.accounts.directory(search or None, after.strip() or None, PAGE)
    names = {org.id: org.name for org in container.organizations.list(None, None, ORGANIZATIONS_NAMED).items}
    context = {"page": page, "q": search, "after": after, "names": names}
    return render(request, "people.html", context, viewer=viewer)


@router.post("/people/{person_id}/platform-admin")
def platform_admin(
    request: Request, viewer: ViewerDep, person_id: str, grant: FormStr = "", q: FormStr = ""
) -> Response:
    """Grant (`grant=yes`) or take a person's platform-admin rights; their sessions end."""
    try:
        account = container_of(request).accounts.set_platform_admin(person_id, grant == "yes")
        verb = "is now a platform admin" if grant == "yes" else "is no longer a platform admin"
        flash(request, f"{account.person.display_name} {verb}.")
    except DomainError as error:
        flash(request, error.detail, "error")
    return redirect(request, _back(q))


@router.post("/people/{person_id}/delete")
def delete_person(
    request: Request, viewer: ViewerDep, person_id: str, confirmed: FormStr = "", q: FormStr = ""
) -> Response:
    """Delete a person's account after confirmation (memberships and sessions go with it)."""
    accounts = container_of(request).accounts
    try:
        account = accounts.account(person_id)
        if confirmed != "yes":
            context = {"account": account, "q": q.strip()[:320], "back": _back(q)}
            return render(request, "person_delete.html", context, viewer=viewer)
        accounts.delete(person_id)
        flash(request, f"The account of {account.person.email} is deleted.")
    except DomainError as error:
        flash(request, error.detail, "error")
    return redirect(request, _back(q))
