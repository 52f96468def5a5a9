"""The outgoing webhook requests, described in the OpenAPI document's `webhooks` section."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from pairhub.contract import schemas

_HEADERS = [
    ("webhook-id", "The batch's `eventBatchId`; the same on every retry of the batch. Deduplicate on it."),
    ("webhook-timestamp", "Seconds since the Unix epoch when this attempt was signed."),
    (
        "webhook-signature",
        "Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` under "
        "the decoded `whsec_` secret; space-separated, one per secret during a rotation.",
    ),
    ("X-Signature-256", "`sha256=` + hex HMAC-SHA256 of the raw body under the same key."),
    ("User-Agent", "`pairhub/<version>`."),
]


def _operation(version: int) -> dict[str, Any]:
    envelope = {k: v for k, v in schemas.envelope(version).items() if k != "$schema"}
    return {
        "parameters": [
            {
                "name": name,
                "in": "header",
                "required": True,
                "description": text,
                "schema": {"type": "string"},
            }
            for name, text in _HEADERS
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": envelope}},
        },
        "responses": {
            "200": {"description": "Any 2xx: delivered; the next batch follows."},
            "410": {"description": "The subscription is disabled."},
            "429": {"description": "Retried later (also 408 and 5xx); `Retry-After` is honoured up to 1 h."},
        },
    }


def install(app: FastAPI) -> None:
    """Document the v1 and v2 batch requests pairhub sends to subscribers."""
    for version in (1, 2):
        offered = "unit.paired and unit.unpaired" if version == 1 else "unit.paired only"

        def describe() -> None:
            """Placeholder: webhooks are sent by pairhub, not received."""

        app.webhooks.add_api_route(
            f"asset-events-v{version}",
            describe,
            methods=["POST"],
            summary=f"A batch of asset pairing events, eventVersion {version}",
            description=(
                f"pairhub POSTs batches of `{offered}` events to a subscription's URL, in registration "
                "order, one batch in flight per subscription, retried with the same `eventBatchId` "
                "and body until a 2xx answer."
            ),
            openapi_extra=_operation(version),
            name=f"asset_events_v{version}",
        )
