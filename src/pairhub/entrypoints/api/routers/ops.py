"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from pairhub.entrypoints.api.deps import ContainerDep
from pairhub.entrypoints.api.schemas import Health

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health)
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(c: ContainerDep) -> JSONResponse:
    """The database answers and takes a write, its schema is at head, and the MQTT broker is connected."""
    checks: dict[str, str] = {}
    try:
        c.readiness.ping()
        checks["database"] = "ok"
        at_head = c.readiness.schema_current()
        checks["migrations"] = "ok" if at_head else "behind"
    except Exception as error:  # readiness reports any failure instead of raising it
        checks["database"] = f"unavailable: {type(error).__name__}"
    if checks.get("database") == "ok":
        try:
            c.readiness.ping_write()
            checks["databaseWrite"] = "ok"
        except Exception as error:  # a refused write is a state to report, not an error to raise
            checks["databaseWrite"] = f"unavailable: {type(error).__name__}"
    if c.mqtt_status.configured:
        status = c.mqtt_status
        checks["mqtt"] = "ok" if status.connected else f"unavailable: {status.last_error}"
    ready = all(value == "ok" for value in checks.values()) and "migrations" in checks
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", response_class=Response)
def metrics() -> Response:
    """Prometheus text exposition."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
