"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from pairhub.bootstrap import Container
from pairhub.domain.heartbeats import Heartbeat
from pairhub.domain.partitions import by_topic_filter, problems
from pairhub.entrypoints.api.deps import ContainerDep
from pairhub.entrypoints.api.schemas import Health
from pairhub.entrypoints.metrics import exposition
from pairhub.ports import StorageOutage

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health)
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(c: ContainerDep) -> JSONResponse:
    """The database answers and takes a write, its schema is at head, and the MQTT broker is connected.

    `degraded` (still 200) when the live MQTT subscribers' partitions overlap or leave units untaken:
    every process serves, and taking it out of a load balancer would mend nothing.
    """
    checks: dict[str, str] = {}
    try:
        c.readiness.ping()
        checks["database"] = "ok"
        at_head = c.readiness.schema_current()
        checks["migrations"] = "ok" if at_head else "behind"
    except Exception as error:  # readiness reports any failure instead of raising it
        checks["database"] = f"unavailable: {_reason(error)}"
    if checks.get("database") == "ok":
        try:
            c.readiness.ping_write()
            checks["databaseWrite"] = "ok"
        except Exception as error:  # a refused write is a state to report, not an error to raise
            checks["databaseWrite"] = f"unavailable: {_reason(error)}"
    beats = _heartbeats(c) if checks.get("database") == "ok" else []
    if beats:
        checks.update(_delivering_processes(beats, c.clock.now_ms()))
    elif c.mqtt_status.configured:
        status = c.mqtt_status
        checks["mqtt"] = "ok" if status.connected else f"unavailable: {status.last_error}"
    ready = all(_passes(value) for value in checks.values()) and "migrations" in checks
    degraded = any(value.startswith(DEGRADED) for value in checks.values())
    body = {"status": ("degraded" if degraded else "ok") if ready else "unavailable", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


DEGRADED = "degraded: "
"""A check that works, but not as it should: reported, without failing readiness."""


def _passes(check: str) -> bool:
    return check == "ok" or check.startswith(DEGRADED)


def _heartbeats(c: Container) -> list[Heartbeat]:
    try:
        return c.heartbeats()
    except Exception:  # the database checks above already say why
        return []


def _delivering_processes(beats: list[Heartbeat], now_ms: int) -> dict[str, str]:
    """The `delivery` and `mqtt` checks from the heartbeats the delivering processes write."""
    fresh = [beat for beat in beats if beat.fresh(now_ms)]
    checks: dict[str, str] = {}
    if not fresh:
        age = round((now_ms - beats[0].beat_at) / 1000)
        return {"delivery": f"unavailable: no delivering process has reported for {age} s"}
    loops = [beat.state.get("delivery") for beat in fresh if beat.state.get("delivery")]
    if loops:
        checks["delivery"] = "ok" if "ok" in loops else f"unavailable: {loops[0]}"
    subscribers = [beat.state["mqtt"] for beat in fresh if (beat.state.get("mqtt") or {}).get("configured")]
    if subscribers:
        connected = any(subscriber.get("connected") for subscriber in subscribers)
        checks["mqtt"] = "ok" if connected else f"unavailable: {subscribers[0].get('error')}"
        found = problems(by_topic_filter(beat.subscriber for beat in fresh if beat.subscriber is not None))
        if connected and found:
            checks["mqtt"] = DEGRADED + "; ".join(found)
    return checks


def _reason(error: Exception) -> str:
    """Why the database is not ready, in words when it is an outage pairhub knows (never a secret)."""
    if isinstance(error, StorageOutage):
        return f"{type(error).__name__}: {error}"
    return type(error).__name__


@router.get("/metrics", response_class=Response)
def metrics() -> Response:
    """Prometheus text exposition of every process of this pairhub (see entrypoints/metrics.py)."""
    body, content_type = exposition()
    return Response(body, media_type=content_type)
