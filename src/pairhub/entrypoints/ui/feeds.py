"""The Datahub portal's feeds page: create, pause, resume and delete the organization's pull feeds."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from pairhub.domain.errors import DomainError
from pairhub.entrypoints.api.problems import status_of
from pairhub.entrypoints.ui.portal import ALL_EVENTS
from pairhub.entrypoints.ui.web import (
    OrgViewerDep,
    Viewer,
    container_of,
    csrf_guard,
    flash,
    listed_or_refused,
    redirect,
    render,
)

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(csrf_guard)])
FormStr = Annotated[str, Form()]
FormNames = Annotated[list[str], Form(alias="event_names")]
NEW_FORM = {"version": "1", "names": list(ALL_EVENTS)}


def _page(
    request: Request, viewer: Viewer, form: dict[str, Any], error: str | None = None, status: int = 200
) -> Response:
    feeds = container_of(request).feeds
    listed, refused = listed_or_refused(lambda: feeds.list(viewer.org_id, None, 100).items)
    context = {"form": form, "error": error, "all_events": ALL_EVENTS, "feeds": listed, "refused": refused}
    return render(request, "feeds.html", context, status=status, viewer=viewer)


@router.get("/feeds")
def feeds_page(request: Request, viewer: OrgViewerDep) -> Response:
    """The organization's feeds and the form to create one."""
    return _page(request, viewer, NEW_FORM)


@router.post("/feeds")
def create_feed(
    request: Request,
    viewer: OrgViewerDep,
    version: FormStr = "1",
    event_names: FormNames = [],  # noqa: B006 - FastAPI copies it
) -> Response:
    """Create a feed; it starts at the organization's first event."""
    form = {"version": version, "names": event_names}
    names = [name for name in ALL_EVENTS if name in event_names]
    try:
        view = container_of(request).feeds.create(viewer.org_id, 2 if version == "2" else 1, names)
    except DomainError as error:
        return _page(request, viewer, form, error.detail, status_of(error))
    flash(request, f"Feed {view.record.id} created; poll it at /v1/feed/{view.record.id}.")
    return redirect(request, "/ui/feeds")


def _act(request: Request, viewer: Viewer, feed_id: str, action: str) -> Response:
    feeds = container_of(request).feeds
    try:
        if action == "pause":
            feeds.pause(viewer.org_id, feed_id)
            message = "Feed paused: polls answer 404 until it is resumed."
        else:
            feeds.resume(viewer.org_id, feed_id)
            message = "Feed resumed from where it stopped."
    except DomainError as error:
        return _page(request, viewer, NEW_FORM, error.detail, status_of(error))
    flash(request, message)
    return redirect(request, "/ui/feeds")


@router.post("/feeds/{feed_id}/pause")
def pause_feed(request: Request, viewer: OrgViewerDep, feed_id: str) -> Response:
    """Pause a feed (its position stays)."""
    return _act(request, viewer, feed_id, "pause")


@router.post("/feeds/{feed_id}/resume")
def resume_feed(request: Request, viewer: OrgViewerDep, feed_id: str) -> Response:
    """Resume a paused feed."""
    return _act(request, viewer, feed_id, "resume")


@router.post("/feeds/{feed_id}/delete")
def delete_feed(request: Request, viewer: OrgViewerDep, feed_id: str, confirmed: FormStr = "") -> Response:
    """Delete a feed, after confirmation."""
    feeds = container_of(request).feeds
    try:
        view = feeds.get(viewer.org_id, feed_id)
        if confirmed == "yes":
            feeds.delete(viewer.org_id, feed_id)
    except DomainError as error:
        return _page(request, viewer, NEW_FORM, error.detail, status_of(error))
    if confirmed != "yes":
        return render(request, "feed_delete.html", {"feed": view}, viewer=viewer)
    flash(request, "Feed deleted.")
    return redirect(request, "/ui/feeds")
