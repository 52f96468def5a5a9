"""The Datahub portal pages: webhook subscriptions, their state, counters and delivery log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from pairhub.bootstrap import Container
from pairhub.contract.render import EVENTS_BY_VERSION
from pairhub.domain.delivery import SignatureAlgorithm, is_success
from pairhub.domain.errors import DomainError, Invalid
from pairhub.domain.subscriptions import DEFAULTS, BatchStatus, SubscriptionChanges
from pairhub.entrypoints.api.problems import status_of
from pairhub.entrypoints.api.subscription_schemas import jwks_path
from pairhub.entrypoints.ui.web import (
    OrgViewerDep,
    Viewer,
    container_of,
    csrf_guard,
    flash,
    form_text,
    listed_or_refused,
    redirect,
    render,
)
from pairhub.services.subscriptions import SubscriptionView

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(csrf_guard)])
FormStr = Annotated[str, Form()]
FormList = Annotated[list[str], Form()]
LOG_PAGE = 20
ALL_EVENTS = EVENTS_BY_VERSION[1]
# Each event with the versions that offer it ("1 2"): the form greys out what the chosen version lacks.
EVENT_VERSIONS = {
    name: " ".join(str(version) for version, names in EVENTS_BY_VERSION.items() if name in names)
    for name in ALL_EVENTS
}
LIMITS = {
    "max_batch_size": DEFAULTS.batch_size_cap,
    "max_wait_ms": DEFAULTS.wait_cap_ms,
    "max_headers": DEFAULTS.custom_headers_cap,
}


def parse_headers(text: str) -> dict[str, str]:
    """Custom headers typed one per line as `Name: value`."""
    headers: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            message = f"Line {number} of the custom headers is not `Name: value`."
            raise Invalid("invalid_custom_header", message)
        headers[name.strip()] = value.strip()
    return headers


def header_patch(removed: list[str], typed: dict[str, str]) -> dict[str, str | None]:
    """The edit form's header changes: ticked names removed, typed lines set or replaced."""
    patch: dict[str, str | None] = {name: None for name in removed}
    patch.update(typed)
    return patch


def _int(value: str, label: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise Invalid("not_a_number", f"{label} must be a whole number.") from None


def posted_form(
    url: FormStr = "",
    version: FormStr = "1",
    event_names_: Annotated[list[str], Form(alias="event_names")] = [],  # noqa: B006 - FastAPI copies it
    batch_size: FormStr = str(DEFAULTS.max_batch_size),
    max_wait_ms: FormStr = str(DEFAULTS.max_wait_ms),
    headers: FormStr = "",
    description: FormStr = "",
    signature_header: FormStr = DEFAULTS.signature_header,
    remove_headers: FormList = [],  # noqa: B006 - FastAPI copies it
    header_names: FormList = [],  # noqa: B006 - FastAPI copies it
    signature_algorithm: FormStr = SignatureAlgorithm.HMAC_SHA256.value,
) -> dict[str, Any]:
    """The subscription form as posted, kept as typed so that a refused form is shown again unchanged."""
    return {
        "remove": remove_headers,
        "header_names": header_names,
        "url": url,
        "version": version,
        "names": event_names_,
        "batch_size": batch_size,
        "max_wait_ms": max_wait_ms,
        "headers": headers,
        "description": description,
        "signature_header": signature_header,
        "signature_algorithm": signature_algorithm,
    }


PostedFormDep = Annotated[dict[str, Any], Depends(posted_form)]


def _settings(form: dict[str, Any]) -> dict[str, Any]:
    """The form's fields as the subscription service takes them (raises Invalid in words)."""
    return {
        "url": form_text(form["url"], "The webhook URL"),
        "event_version": 2 if form["version"] == "2" else 1,
        "names": [name for name in ALL_EVENTS if name in form["names"]],
        "max_batch_size": _int(form["batch_size"], "The batch size"),
        "max_wait_ms": _int(form["max_wait_ms"], "The wait"),
        "headers": parse_headers(form["headers"]),
        "description": form_text(form["description"], "The description")[:500] or None,
        "signature_header": form_text(form["signature_header"], "The signature header")
        or DEFAULTS.signature_header,
    }


def _algorithm(form: dict[str, Any]) -> SignatureAlgorithm:
    try:
        return SignatureAlgorithm(form["signature_algorithm"])
    except ValueError:
        raise Invalid(
            "invalid_signature_algorithm", "The signature algorithm is hmac-sha256 or ed25519."
        ) from None


def _form_of(view: SubscriptionView) -> dict[str, Any]:
    sub = view.record
    return {
        "url": sub.url,
        "version": str(sub.event_version),
        "names": list(sub.event_names),
        "batch_size": str(sub.max_batch_size),
        "max_wait_ms": str(sub.max_wait_ms),
        # Header values are write-only: the form names the headers and offers to replace or remove them.
        "headers": "",
        "header_names": list(sub.custom_headers),
        "remove": [],
        "description": sub.description or "",
        "signature_header": sub.signature_header,
        "signature_algorithm": sub.signature_algorithm.value,
    }


NEW_FORM = {
    "url": "",
    "version": "1",
    "names": list(ALL_EVENTS),
    "batch_size": str(DEFAULTS.max_batch_size),
    "max_wait_ms": str(DEFAULTS.max_wait_ms),
    "headers": "",
    "header_names": [],
    "remove": [],
    "description": "",
    "signature_header": DEFAULTS.signature_header,
    "signature_algorithm": SignatureAlgorithm.HMAC_SHA256.value,
}


def _list_page(
    request: Request, viewer: Viewer, form: dict[str, Any], error: str | None = None, status: int = 200
) -> Response:
    subscriptions = container_of(request).subscriptions
    listed, refused = listed_or_refused(lambda: subscriptions.list(viewer.org_id, None, 100).items)
    context: dict[str, Any] = {"form": form, "error": error, "limits": LIMITS, "all_events": EVENT_VERSIONS}
    context |= {"subscriptions": listed, "refused": refused}
    return render(request, "subscriptions.html", context, status=status, viewer=viewer)


@router.get("/subscriptions")
def subscriptions_page(request: Request, viewer: OrgViewerDep) -> Response:
    """The organization's webhook subscriptions and the form to create one."""
    return _list_page(request, viewer, NEW_FORM)


@router.post("/subscriptions")
def create_subscription(
    request: Request,
    viewer: OrgViewerDep,
    form: PostedFormDep,
) -> Response:
    """Create a subscription and show its secret, once (or its public key, for ed25519)."""
    try:
        values = _settings(form)
        view, secret = container_of(request).subscriptions.create(
            viewer.org_id, **values, signature_algorithm=_algorithm(form)
        )
    except DomainError as error:
        return _list_page(request, viewer, form, error.detail, status_of(error))
    context = {
        "subscription": view,
        "secret": secret,
        "rotated": False,
        "jwks_url": jwks_path(view.record.id, container_of(request).settings.public_url),
    }
    return render(request, "subscription_secret.html", context, viewer=viewer)


def _log(container: Container, viewer: Viewer, subscription_id: str, status: str, before: str) -> Any:
    wanted = status if status in {s.value for s in BatchStatus} else None
    try:
        return container.delivery_log.batches(
            viewer.org_id, subscription_id, wanted, before.strip(), LOG_PAGE
        )
    except Invalid as refused:
        if refused.code != "invalid_cursor":
            raise
        # A cursor edited in the address bar shows the newest batches rather than an error.
        return container.delivery_log.batches(viewer.org_id, subscription_id, wanted, None, LOG_PAGE)


def _detail(
    request: Request,
    viewer: Viewer,
    subscription_id: str,
    *,
    status: str = "",
    before: str = "",
    form: dict[str, Any] | None = None,
    error: str | None = None,
    code: int = 200,
) -> Response:
    container = container_of(request)
    try:
        view = container.subscriptions.get(viewer.org_id, subscription_id)
        log = _log(container, viewer, subscription_id, status, before)
    except DomainError as missing:
        problem = {"title": "Not found", "message": missing.detail}
        return render(request, "error.html", problem, status=status_of(missing), viewer=viewer)
    context: dict[str, Any] = {
        "subscription": view,
        "names": list(view.record.event_names),
        "log": log,
        "status": status if status in {s.value for s in BatchStatus} else "",
        "statuses": [s.value for s in BatchStatus],
        "before": before,
        "form": form or _form_of(view),
        "error": error,
        "limits": LIMITS,
        "all_events": EVENT_VERSIONS,
        "jwks_url": jwks_path(view.record.id, container_of(request).settings.public_url),
        "day": container.overview.delivery_of(view.record.id),
    }
    # The state, counters and delivery log refresh themselves through htmx, asking for that part only.
    template = "subscription_live.html" if request.headers.get("hx-target") == "live" else "subscription.html"
    return render(request, template, context, status=code, viewer=viewer)


@router.get("/subscriptions/{subscription_id}")
def subscription_page(
    request: Request, viewer: OrgViewerDep, subscription_id: str, status: str = "", before: str = ""
) -> Response:
    """One subscription: state, counters, settings, actions and the delivery log."""
    return _detail(request, viewer, subscription_id, status=status, before=before)


@router.post("/subscriptions/{subscription_id}")
def edit_subscription(
    request: Request,
    viewer: OrgViewerDep,
    subscription_id: str,
    form: PostedFormDep,
) -> Response:
    """Change a subscription's settings."""
    try:
        values = _settings(form)
        changes = SubscriptionChanges(
            url=values["url"],
            event_version=values["event_version"],
            event_names=tuple(values["names"]),
            max_batch_size=values["max_batch_size"],
            max_wait_ms=values["max_wait_ms"],
            custom_headers=header_patch(form["remove"], values["headers"]),
            description=values["description"],
            set_description=True,
            signature_header=values["signature_header"],
        )
        container_of(request).subscriptions.update(viewer.org_id, subscription_id, changes)
    except DomainError as error:
        return _detail(request, viewer, subscription_id, form=form, error=error.detail, code=status_of(error))
    flash(request, "Subscription saved.")
    return redirect(request, f"/ui/subscriptions/{subscription_id}")


def _act(request: Request, viewer: Viewer, subscription_id: str, action: str) -> Response:
    subscriptions = container_of(request).subscriptions
    done = {
        "pause": "Delivery is paused; events keep waiting for it.",
        "resume": "Delivery is active again.",
    }
    try:
        if action == "pause":
            subscriptions.pause(viewer.org_id, subscription_id)
        else:
            subscriptions.resume(viewer.org_id, subscription_id)
    except DomainError as error:
        return _detail(request, viewer, subscription_id, error=error.detail, code=status_of(error))
    flash(request, done[action])
    return redirect(request, f"/ui/subscriptions/{subscription_id}")


@router.post("/subscriptions/{subscription_id}/pause")
def pause(request: Request, viewer: OrgViewerDep, subscription_id: str) -> Response:
    """Pause delivery (events keep buffering)."""
    return _act(request, viewer, subscription_id, "pause")


@router.post("/subscriptions/{subscription_id}/resume")
def resume(request: Request, viewer: OrgViewerDep, subscription_id: str) -> Response:
    """Resume a paused, on-hold or disabled subscription now."""
    return _act(request, viewer, subscription_id, "resume")


@router.post("/subscriptions/{subscription_id}/rotate")
def rotate(request: Request, viewer: OrgViewerDep, subscription_id: str, confirmed: FormStr = "") -> Response:
    """After confirmation, a new signing secret shown once; the previous one keeps signing for 24 hours."""
    subscriptions = container_of(request).subscriptions
    try:
        if confirmed != "yes":
            context = {"subscription": subscriptions.get(viewer.org_id, subscription_id), "action": "rotate"}
            return render(request, "subscription_confirm.html", context, viewer=viewer)
        view, secret = subscriptions.rotate_secret(viewer.org_id, subscription_id)
    except DomainError as error:
        return _detail(request, viewer, subscription_id, error=error.detail, code=status_of(error))
    context = {
        "subscription": view,
        "secret": secret,
        "rotated": True,
        "jwks_url": jwks_path(view.record.id, container_of(request).settings.public_url),
    }
    return render(request, "subscription_secret.html", context, viewer=viewer)


@router.post("/subscriptions/{subscription_id}/test")
async def send_test(request: Request, viewer: OrgViewerDep, subscription_id: str) -> Response:
    """Send one sample batch now and show the receiver's status and latency."""
    try:
        sent = await container_of(request).delivery.send_test(viewer.org_id, subscription_id)
    except DomainError as error:
        return _detail(request, viewer, subscription_id, error=error.detail, code=status_of(error))
    result = sent.result
    ok = is_success(result.status)
    if result.status is not None:
        message = f"Test batch {'delivered' if ok else 'refused'}: the receiver answered {result.status}"
    else:
        message = f"Test batch not delivered: {result.error or 'no answer'}"
    message += f" after {result.duration_ms} ms."
    if request.headers.get("hx-request"):
        context = {"message": message, "ok": ok, "excerpt": result.excerpt}
        return render(request, "subscription_test.html", context, viewer=viewer)
    flash(request, message, "ok" if ok else "error")
    return redirect(request, f"/ui/subscriptions/{subscription_id}")


@router.post("/subscriptions/{subscription_id}/delete")
def delete_subscription(
    request: Request, viewer: OrgViewerDep, subscription_id: str, confirmed: FormStr = ""
) -> Response:
    """Delete a subscription and its delivery log, after confirmation."""
    subscriptions = container_of(request).subscriptions
    try:
        view = subscriptions.get(viewer.org_id, subscription_id)
        if confirmed == "yes":
            subscriptions.delete(viewer.org_id, subscription_id)
    except DomainError as error:
        return _detail(request, viewer, subscription_id, error=error.detail, code=status_of(error))
    if confirmed != "yes":
        context = {"subscription": view, "action": "delete"}
        return render(request, "subscription_confirm.html", context, viewer=viewer)
    flash(request, "Subscription deleted.")
    return redirect(request, "/ui/subscriptions")


@router.get("/subscriptions/{subscription_id}/batches/{batch_id}")
def batch_page(request: Request, viewer: OrgViewerDep, subscription_id: str, batch_id: str) -> Response:
    """One batch: its exact body and every attempt."""
    try:
        batch = container_of(request).delivery_log.batch(viewer.org_id, subscription_id, batch_id)
    except DomainError as error:
        problem = {"title": "Not found", "message": error.detail}
        return render(request, "error.html", problem, status=status_of(error), viewer=viewer)
    context = {"batch": batch, "subscription_id": subscription_id}
    return render(request, "batch.html", context, viewer=viewer)


@router.post("/subscriptions/{subscription_id}/batches/{batch_id}/redeliver")
def redeliver(request: Request, viewer: OrgViewerDep, subscription_id: str, batch_id: str) -> Response:
    """Send a batch again with the same `eventBatchId`."""
    try:
        container_of(request).delivery_log.redeliver(viewer.org_id, subscription_id, batch_id)
    except DomainError as error:
        return _detail(request, viewer, subscription_id, error=error.detail, code=status_of(error))
    flash(request, f"Batch {batch_id} is queued for redelivery.")
    return redirect(request, f"/ui/subscriptions/{subscription_id}")
