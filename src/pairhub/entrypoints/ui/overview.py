"""The overview page: the fleet at a glance, the first page after signing in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pairhub.domain.model import AutoPairingState
from pairhub.domain.overview import WAITING_OUTCOMES
from pairhub.entrypoints.ui.charts import delivery_chart
from pairhub.entrypoints.ui.web import OrgViewerDep, container_of, render

router = APIRouter(prefix="/ui", include_in_schema=False)


@router.get("/overview")
def overview_page(request: Request, viewer: OrgViewerDep) -> Response:
    """Units by pairing state, units waiting by outcome, and each subscription's last 24 hours."""
    container = container_of(request)
    found = container.overview.of(viewer.org_id)
    charts = {
        health.subscription.record.id: delivery_chart(health.hours, f"chart-{index}")
        for index, health in enumerate(found.subscriptions)
    }
    context = {
        "overview": found,
        "charts": charts,
        "states": [state for state in AutoPairingState if state not in WAITING_OUTCOMES],
        "waiting": WAITING_OUTCOMES,
        "mqtt": container.mqtt_status if container.mqtt_status.configured else None,
    }
    return render(request, "overview.html", context, viewer=viewer)
