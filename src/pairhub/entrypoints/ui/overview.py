"""The overview page: the fleet at a glance, the first page after signing in."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pairhub.domain.model import AutoPairingState
from pairhub.domain.overview import RANGES, WAITING_OUTCOMES, Range
from pairhub.domain.vocabulary import PAIRING_OUTCOMES
from pairhub.entrypoints.ui.charts import delivery_chart, pairing_chart
from pairhub.entrypoints.ui.web import OrgViewerDep, container_of, render

router = APIRouter(prefix="/ui", include_in_schema=False)
UNKNOWN_SHOWN = 3
"""Unknown units named in the admin's notice on the overview."""


def _range(raw: str | None) -> Range:
    """The range the selector asked for; anything else is the default day (a link, not a form to refuse)."""
    try:
        return Range(raw or Range.DAY)
    except ValueError:
        return Range.DAY


@router.get("/overview")
def overview_page(request: Request, viewer: OrgViewerDep, range: str | None = None) -> Response:
    """Units by pairing state, units waiting by outcome, pairing activity and each subscription's delivery."""
    container = container_of(request)
    span = _range(range)
    found = container.overview.of(viewer.org_id, span)
    charts = {
        health.subscription.record.id: delivery_chart(found.window, health.buckets, f"delivery-chart-{index}")
        for index, health in enumerate(found.subscriptions)
    }
    context: dict[str, Any] = {
        "overview": found,
        "charts": charts,
        "pairing_chart": pairing_chart(found.window, found.pairing, "pairing-chart"),
        "pairing_outcomes": PAIRING_OUTCOMES,
        "ranges": RANGES,
        "span": span,
        "states": [state for state in AutoPairingState if state not in WAITING_OUTCOMES],
        "waiting": WAITING_OUTCOMES,
        "mqtt": container.mqtt_status if container.mqtt_status.configured else None,
        "unknown_units": [],
        "unknown_more": False,
        "storage": container.organization_storage(viewer.org_id),
        "retention_days": round(container.settings.delivered_event_retention / 86400),
    }
    if viewer.is_admin:
        # Unknown units belong to no organization: only the admin, who may add them anywhere, sees them.
        found_unknown = container.unknown_units.list(None, UNKNOWN_SHOWN)
        context["unknown_units"] = found_unknown.items
        context["unknown_more"] = found_unknown.next_cursor is not None
    return render(request, "overview.html", context, viewer=viewer)
