"""The built-in webhook receiver of the demo: verifies, deduplicates and shows the batches it gets."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from pairhub.bootstrap import Container
from pairhub.domain.delivery import signing_secrets
from pairhub.entrypoints.ui.web import templates
from pairhub.receiver import InMemoryDedupeStore, InvalidSignature, Receiver

RECEIVER_PATH = "/demo/receiver"
BATCHES_PATH = "/demo/batches"
KEPT_BATCHES = 200


@dataclass
class Inbox:
    """The last batches the built-in receiver accepted, newest first, and counters."""

    capacity: int = KEPT_BATCHES
    batches: deque[dict[str, Any]] = field(default_factory=deque)
    received: int = 0
    duplicates: int = 0
    refused: int = 0
    dedupe: InMemoryDedupeStore = field(default_factory=InMemoryDedupeStore)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, envelope: dict[str, Any], received_at: str) -> None:
        """Keep an accepted batch (the oldest goes when full)."""
        with self.lock:
            self.received += 1
            self.batches.appendleft(
                {
                    "eventBatchId": envelope["eventBatchId"],
                    "eventSubscriptionId": envelope["eventSubscriptionId"],
                    "eventBatchTime": envelope["eventBatchTime"],
                    "receivedAt": received_at,
                    "eventsData": envelope["eventsData"],
                }
            )
            while len(self.batches) > self.capacity:
                self.batches.pop()

    def snapshot(self) -> dict[str, Any]:
        """The JSON answer of `GET /demo/receiver`."""
        with self.lock:
            return {
                "received": self.received,
                "duplicates": self.duplicates,
                "refused": self.refused,
                "batches": list(self.batches),
            }


def _secrets_of(container: Container, subscription_id: str) -> tuple[str, ...]:
    # The secret is read per request, so a rotation from the UI keeps the receiver verifying.
    with container.storage.read() as uow:
        subscription = uow.subscriptions.get(subscription_id)
    if subscription is None:
        return ()
    return signing_secrets(
        subscription.secret,
        subscription.previous_secret,
        subscription.previous_secret_expires_at,
        container.clock.now_ms(),
    )


def _iso(epoch_ms: int) -> str:
    return f"{datetime.fromtimestamp(epoch_ms / 1000, tz=UTC):%Y-%m-%dT%H:%M:%S.%f}"[:-3] + "Z"


def event_line(item: dict[str, Any]) -> dict[str, str]:
    """One event of a batch as the columns of the batches page."""
    data = item.get("eventData", {})
    location = data.get("location") or {}
    latitude = location.get("lat", location.get("latitude"))
    longitude = location.get("lon", location.get("longitude"))
    details = [
        f"{label}={data[key]}"
        for label, key in (("asset", "assetId"), ("assetVIN", "assetVIN"), ("sensorVIN", "sensorVIN"))
        if data.get(key) is not None
    ]
    if data.get("candidateAssetIds"):
        details.append("candidates=" + ",".join(data["candidateAssetIds"]))
    if latitude is not None and longitude is not None:
        details.append(f"at {latitude},{longitude}")
    return {
        "registeredOn": str(data.get("registeredOn", "")),
        "eventType": str(item.get("eventType", "")),
        "status": str(data.get("status", "")),
        "reason": str(data.get("reason", "")),
        "unitId": str(data.get("unitId", "")),
        "details": " ".join(details),
    }


router = APIRouter(include_in_schema=False)


@router.post(RECEIVER_PATH)
async def receive_batch(request: Request) -> Response:
    """Verify a webhook batch with its subscription's secret and keep it."""
    container: Container = request.app.state.container
    inbox: Inbox = request.app.state.demo_inbox
    body = await request.body()
    try:
        envelope = json.loads(body)
        subscription_id = str(envelope["eventSubscriptionId"])
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": "not a pairhub batch"}, status_code=400)
    secrets = await asyncio.to_thread(_secrets_of, container, subscription_id)
    try:
        batch = Receiver(secrets, inbox.dedupe).receive(dict(request.headers), body)
    except InvalidSignature as error:
        with inbox.lock:
            inbox.refused += 1
        return JSONResponse({"error": str(error)}, status_code=401)
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": "not a pairhub batch"}, status_code=400)
    if batch is None:
        with inbox.lock:
            inbox.duplicates += 1
        return JSONResponse({"status": "duplicate", "eventBatchId": envelope["eventBatchId"]})
    inbox.add(envelope, _iso(container.clock.now_ms()))
    return JSONResponse({"status": "ok", "eventBatchId": batch.batch_id})


@router.get(RECEIVER_PATH)
def received_batches(request: Request) -> dict[str, Any]:
    """The batches the built-in receiver accepted, newest first, as JSON."""
    inbox: Inbox = request.app.state.demo_inbox
    return inbox.snapshot()


@router.get(BATCHES_PATH)
def batches_page(request: Request) -> Response:
    """The received batches as a page that refreshes itself, one line per event."""
    inbox: Inbox = request.app.state.demo_inbox
    snapshot = inbox.snapshot()
    batches = [
        {**batch, "lines": [event_line(item) for item in batch["eventsData"]]}
        for batch in snapshot["batches"]
    ]
    return templates.TemplateResponse(
        request,
        "demo_batches.html",
        {"inbox": snapshot, "batches": batches, "receiver_path": RECEIVER_PATH},
    )


def install_receiver(app: FastAPI) -> None:
    """Mount the built-in receiver and its pages on `app` (demo mode only)."""
    app.state.demo_inbox = Inbox()
    app.include_router(router)
