"""The portal's "Send again since…": a subscription's recovery, as `POST .../recover` does it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from pairhub.domain.errors import DomainError
from pairhub.entrypoints.api.problems import status_of
from pairhub.entrypoints.parsing import local_instant
from pairhub.entrypoints.ui.web import OrgViewerDep, container_of, csrf_guard, flash, redirect, render

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(csrf_guard)])


@router.post("/subscriptions/{subscription_id}/recover")
def recover(
    request: Request,
    viewer: OrgViewerDep,
    subscription_id: str,
    since: Annotated[str, Form()] = "",
    tz_offset: Annotated[str, Form()] = "",
) -> Response:
    """Queue every event since the given local time again, after the pending batches."""
    since_ms = local_instant(since, tz_offset)
    if since_ms is None:
        problem = {"title": "Not a time", "message": "Pick the date and time to send the events again from."}
        return render(request, "error.html", problem, status=422, viewer=viewer)
    try:
        done = container_of(request).recovery.recover(viewer.org_id, subscription_id, since_ms)
    except DomainError as error:
        problem = {"title": "Not recovered", "message": error.detail}
        return render(request, "error.html", problem, status=status_of(error), viewer=viewer)
    if done.events:
        flash(
            request,
            f"{done.events} events are queued again in {done.batches} batches, after the pending ones "
            f"(recovery {done.recovery} in the delivery log).",
        )
    else:
        flash(request, "No event since then was sent yet; nothing to send again.")
    return redirect(request, f"/ui/subscriptions/{subscription_id}")
