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
}
_REF = "#/components/schemas/"


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
    document["tags"] = [{"name": name, "description": text} for name, text in TAGS.items() if name in used]
    for path, operations in document["paths"].items():
        for operation in operations.values():
            _in_url_order(path, operation)
            if path in PUBLIC_PATHS:
                operation["security"] = []
    for hook in document.get("webhooks", {}).values():
        for operation in hook.values():
            operation["security"] = []
    _discriminate(document["components"]["schemas"])
