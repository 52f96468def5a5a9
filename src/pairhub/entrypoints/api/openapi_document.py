"""What generators and linters read beyond the operations: servers, tags, licence, public operations,
path parameters in URL order, and discriminators on the payload unions."""

from __future__ import annotations

import re
from typing import Any

from pairhub.domain.events import Reason

PUBLIC_PATHS = frozenset(
    {"/healthz", "/readyz", "/metrics", "/v1/event-types", "/v1/subscriptions/{sub_id}/jwks.json"}
)
"""Operations that take no token (`security: []`)."""

TAGS = {
    "organizations": "Organizations (admin), their settings and API keys.",
    "assets": "An organization's assets and their VINs.",
    "units": "Telematics units: provisioning and their auto-pairing state.",
    "pairings": "Manual pairing and unpairing, the current snapshot and the history.",
    "events": "The event feed: every pairing event in order, with filters and cursors.",
    "event types": "The catalogue of event types with their JSON Schemas and examples (public).",
    "unit messages": "Unit messages from the telematics back end (ingest token).",
    "subscriptions": "Webhook subscriptions, their delivery log, redelivery and recovery.",
    "feeds": "Datahub Feed API: pull with a position held by pairhub.",
    "overview": "The fleet at a glance: counts, activity and delivery health.",
    "operations": "Liveness, readiness and Prometheus metrics (public).",
    "people and keys": "Members, invitations and API keys of an organization.",
    "audit log": "Who changed what, and when.",
}
_REF = "#/components/schemas/"
_ORG = "/v1/organizations/{org_id}"
_SUB = _ORG + "/subscriptions/{sub_id}"
SUMMARIES = {
    "GET /healthz": "Check that the process is up",
    "GET /readyz": "Check that pairhub can serve (database, migrations, broker)",
    "GET /metrics": "Read the Prometheus metrics",
    "POST /v1/organizations": "Create an organization",
    "GET /v1/organizations": "List organizations",
    f"GET {_ORG}": "Get an organization",
    f"PATCH {_ORG}": "Change an organization",
    f"DELETE {_ORG}": "Erase an organization and all its data",
    f"POST {_ORG}/api-keys": "Create an API key",
    f"GET {_ORG}/api-keys": "List API keys",
    f"DELETE {_ORG}/api-keys/{{key_id}}": "Revoke an API key",
    f"POST {_ORG}/assets": "Create an asset",
    f"GET {_ORG}/assets": "List assets",
    f"POST {_ORG}/assets/bulk": "Create many assets at once",
    f"GET {_ORG}/assets/{{asset_id}}": "Get an asset",
    f"PATCH {_ORG}/assets/{{asset_id}}": "Change an asset's VIN or name",
    f"DELETE {_ORG}/assets/{{asset_id}}": "Delete an asset",
    f"POST {_ORG}/units": "Provision a unit",
    f"GET {_ORG}/units": "List units",
    f"GET {_ORG}/units/{{unit_id}}": "Get a unit and its auto-pairing state",
    f"DELETE {_ORG}/units/{{unit_id}}": "Delete a unit",
    f"GET {_ORG}/units/{{unit_id}}/attempts": "List a unit's auto-pairing attempts",
    f"POST {_ORG}/pairings": "Pair a unit with an asset",
    f"GET {_ORG}/pairings": "List the current pairings (or those as of an instant)",
    f"GET {_ORG}/pairings/history": "List the pairing history",
    f"DELETE {_ORG}/pairings/{{unit_id}}": "Unpair a unit",
    f"GET {_ORG}/events": "Read the event feed",
    "GET /v1/event-types": "List the event types with their schemas",
    "POST /v1/unit-messages": "Send unit messages",
    f"POST {_ORG}/subscriptions": "Create a webhook subscription",
    f"GET {_ORG}/subscriptions": "List webhook subscriptions",
    f"GET {_SUB}": "Get a webhook subscription",
    f"PATCH {_SUB}": "Change, pause or resume a webhook subscription",
    f"DELETE {_SUB}": "Delete a webhook subscription",
    f"POST {_SUB}/rotate-secret": "Rotate a subscription's signing secret or key",
    f"POST {_SUB}/resume": "Resume delivery now",
    f"POST {_SUB}/test": "Send a test batch",
    f"GET {_SUB}/batches": "Read the delivery log",
    f"GET {_SUB}/batches/{{batch_id}}": "Get a batch with its body",
    f"POST {_SUB}/batches/{{batch_id}}/redeliver": "Redeliver a batch",
    f"POST {_SUB}/recover": "Send events again since a moment",
    f"POST {_ORG}/feeds": "Create a Datahub feed",
    f"GET {_ORG}/feeds": "List Datahub feeds",
    f"GET {_ORG}/feeds/{{feed_id}}": "Get a Datahub feed",
    f"DELETE {_ORG}/feeds/{{feed_id}}": "Delete a Datahub feed",
    f"POST {_ORG}/feeds/{{feed_id}}/pause": "Pause a Datahub feed",
    f"POST {_ORG}/feeds/{{feed_id}}/resume": "Resume a Datahub feed",
    "GET /v1/feed/{feed_id}": "Poll a Datahub feed",
    f"GET {_ORG}/overview": "Get the fleet overview",
    "GET /v1/subscriptions/{sub_id}/jwks.json": "Get a subscription's public keys (JWK Set)",
}
"""What each operation does, in words for the people reading the docs (FastAPI would say "Snapshot")."""


def _from_description(operation: dict[str, Any]) -> str:
    """An operation not in SUMMARIES: the first clause of its docstring, rather than its function's name."""
    first = re.split(r"[;.:(\n]", operation.get("description", ""), maxsplit=1)[0].strip()
    return first or str(operation.get("summary", ""))


def _in_url_order(path: str, operation: dict[str, Any]) -> None:
    parameters = operation.get("parameters")
    if not parameters:
        return
    order = {name: position for position, name in enumerate(re.findall(r"\{([^}]+)\}", path))}
    in_path = sorted((p for p in parameters if p.get("in") == "path"), key=lambda p: order.get(p["name"], 99))
    operation["parameters"] = in_path + [p for p in parameters if p.get("in") != "path"]


def _discriminate(schemas: dict[str, Any]) -> None:
    """`reason` tells the variants of `unit.paired` apart, and `eventType` the events of a v1 batch."""
    for version in (1, 2):
        union = schemas.get(f"V{version}UnitPaired")
        if union is None:
            continue
        mapping = {reason.value: f"{_REF}V{version}UnitPaired{reason.value}" for reason in Reason}
        union["discriminator"] = {"propertyName": "reason", "mapping": mapping}
        for reason in Reason:
            variant = schemas[f"V{version}UnitPaired{reason.value}"]["properties"]
            # Generators read an enum where some turn `const` into an untyped value.
            variant["reason"] = {"type": "string", "enum": [reason.value]}
            variant["status"] = {"type": "string", "enum": [variant["status"]["const"]]}
    batch = schemas.get("V1EventBatch", {}).get("properties", {}).get("eventsData", {}).get("items")
    if batch is not None and "oneOf" in batch:
        batch["discriminator"] = {
            "propertyName": "eventType",
            "mapping": {
                "unit.paired": f"{_REF}V1UnitPairedEvent",
                "unit.unpaired": f"{_REF}V1UnitUnpairedEvent",
            },
        }
    for name in ("V1UnitPairedEvent", "V1UnitUnpairedEvent", "V2UnitPairedEvent"):
        properties = schemas.get(name, {}).get("properties", {})
        for key in ("eventType", "eventVersion"):
            if "const" in properties.get(key, {}):
                prop = properties[key]
                prop["enum"] = [prop.pop("const")]


def complete(document: dict[str, Any], public_url: str | None) -> None:
    """Add servers, tags, licence and contact; mark public operations; order path parameters."""
    document["servers"] = [{"url": public_url or "/", "description": "This pairhub."}]
    document["info"]["license"] = {"name": "MIT", "identifier": "MIT"}
    document["info"]["contact"] = {"name": "pairhub", "url": "https://pairhub.dev"}
    used = {
        tag
        for operations in document["paths"].values()
        for op in operations.values()
        for tag in op.get("tags", [])
    }
    described = [{"name": name, "description": text} for name, text in TAGS.items() if name in used]
    # A tag added without a description here is still declared (linters want every tag declared).
    document["tags"] = described + [
        {"name": name, "description": name.capitalize() + "."} for name in sorted(used - set(TAGS))
    ]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            _in_url_order(path, operation)
            operation["summary"] = SUMMARIES.get(f"{method.upper()} {path}") or _from_description(operation)
            if path in PUBLIC_PATHS:
                operation["security"] = []
    for hook in document.get("webhooks", {}).values():
        for operation in hook.values():
            operation["security"] = []
    _discriminate(document["components"]["schemas"])
