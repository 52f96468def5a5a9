"""The outgoing webhook requests, described in the OpenAPI document's `webhooks` section."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from pairhub.contract import schemas
from pairhub.contract.examples import example_batch, examples_of
from pairhub.contract.render import EVENTS_BY_VERSION
from pairhub.domain.delivery import DEFAULT_SIGNATURE_HEADER
from pairhub.services.delivery import TEST_HEADER

_SIGNED = "`{webhook-id}.{webhook-timestamp}.{body}`"
_HEADERS: list[tuple[str, bool, str, dict[str, Any]]] = [
    (
        "webhook-id",
        True,
        "The batch's `eventBatchId`; the same on every retry of the batch. Deduplicate on it.",
        {"type": "string", "format": "uuid"},
    ),
    (
        "webhook-timestamp",
        True,
        "Seconds since the Unix epoch when this attempt was signed; refuse attempts a few minutes old.",
        {"type": "string", "pattern": "^[0-9]+$"},
    ),
    (
        "webhook-signature",
        True,
        "Standard Webhooks, space-separated, one value per key in use (two during the 24 h after a "
        "rotation). `hmac-sha256` subscriptions: `v1,` + base64 HMAC-SHA256 of "
        f"{_SIGNED} under the base64-decoded part of the `whsec_` secret. `ed25519` subscriptions: "
        f"`v1a,` + base64 ed25519 signature of {_SIGNED}, verified with the subscription's `publicKey` "
        "or the JWK Set at its `jwksUrl`.",
        {"type": "string", "pattern": "^v1a?,[A-Za-z0-9+/=]+( v1a?,[A-Za-z0-9+/=]+)*$"},
    ),
    (
        DEFAULT_SIGNATURE_HEADER,
        False,
        "`hmac-sha256` subscriptions only: `sha256=` + hex HMAC-SHA256 of the raw body under the newest "
        "secret's key. Sent under the subscription's `signatureHeader` name instead when it sets one "
        "(e.g. `X-SCALAR-Signature`); `ed25519` subscriptions send no body signature.",
        {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"},
    ),
    (
        TEST_HEADER,
        False,
        "`true` on a test send (`POST …/test`) only; the body is an ordinary batch.",
        {"type": "string", "enum": ["true"]},
    ),
    ("User-Agent", True, "`pairhub/<version>`.", {"type": "string"}),
]


def _examples(version: int) -> dict[str, Any]:
    """One whole batch per event type, reason and version, from the seed's values."""
    found: dict[str, Any] = {}
    for event_type in EVENTS_BY_VERSION[version]:
        for name in examples_of(event_type, version):
            found[f"{event_type}.{name}"] = {
                "summary": f"{event_type} ({name}), eventVersion {version}",
                "value": example_batch(version, event_type, name),
            }
    return found


def _operation(version: int) -> dict[str, Any]:
    envelope = {k: v for k, v in schemas.envelope(version).items() if k not in ("$schema", "$id")}
    return {
        # Requests pairhub sends, not operations a client calls: generators that make an API method of
        # every webhook (openapi-generator, whose methods do not even compile) leave them out.
        "x-internal": True,
        "parameters": [
            {"name": name, "in": "header", "required": required, "description": text, "schema": schema}
            for name, required, text, schema in _HEADERS
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": envelope, "examples": _examples(version)}},
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
                "and body until a 2xx answer. The subscription's `customHeaders` come along, and "
                "`Authorization: Bearer <access token>` when it has `auth` (OAuth2 client credentials). "
                "How to verify each signature option: docs/integrators.md."
            ),
            openapi_extra=_operation(version),
            name=f"asset_events_v{version}",
            tags=["webhooks"],
        )
