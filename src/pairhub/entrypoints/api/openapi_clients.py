"""What the OpenAPI document needs for generated clients: named payloads, formats, readable ids.

Generators name types after components and operation ids, and ignore inline schemas under `webhooks`:
the seed's payloads become named components here, referenced from the webhooks and the feed items.
"""

from __future__ import annotations

import re
from typing import Any

from pairhub.contract import schemas as contract
from pairhub.contract.render import SUPPORTED_VERSIONS
from pairhub.domain.delivery import MAX_CUSTOM_HEADERS, Outcome
from pairhub.domain.events import Reason
from pairhub.domain.subscriptions import LEASE_LOST, RECORDING_FAILED
from pairhub.entrypoints.api.problems import PROBLEM_CODES
from pairhub.entrypoints.listing import MAX_LISTED

_UUID_NAMES = {"id", "organizationId", "assetId", "subscriptionId", "eventBatchId", "eventSubscriptionId"}
_TIME_SUFFIXES = ("At", "Since")
_FREE_FORM_IDS = {"AuditEntryOut", "ActorOut", "TargetOut"}
"""Schemas whose `id` is no uuid: an audit entry's sequence number, a unit id or an actor of any kind."""
_REF = "#/components/schemas/"

PROBLEM_EXTRAS: dict[str, Any] = {
    "assetId": {
        "type": "string",
        "format": "uuid",
        "description": "`unit_already_paired`: the current asset.",
    },
    "unitId": {"type": "string", "description": "The unit a refusal is about."},
    "vin": {"type": "string", "description": "The VIN a refusal is about (`duplicate_vin`, `invalid_vin`)."},
    "eventName": {"type": "string", "description": "`event_not_offered`: the event name refused."},
    "header": {"type": "string", "description": "`reserved_header`, `invalid_signature_header`: the name."},
    "parameters": {
        "type": "array",
        "items": {"type": "string"},
        "description": "`unknown_parameter`: the query parameters the operation does not take.",
    },
    "errors": {
        "type": "array",
        "description": (
            f"`validation_error`, `unknown_field`: one entry per refused value, at most {MAX_LISTED}."
        ),
        "items": {
            "type": "object",
            "properties": {
                "location": {"type": "array", "items": {"type": "string"}},
                "message": {"type": "string"},
                "type": {"type": "string"},
            },
            "required": ["location", "message", "type"],
        },
    },
    "moreErrors": {
        "type": "integer",
        "description": f"`validation_error`, `unknown_field`: refused values beyond the {MAX_LISTED} listed.",
    },
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _strip(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ("$schema", "$id")}


def _item(version: int, event_type: str, data: str, cursor: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "eventType": {"type": "string", "const": event_type},
        "eventVersion": {"type": "integer", "const": version},
        "eventData": {"$ref": _REF + data},
    }
    required = ["eventType", "eventVersion", "eventData"]
    if cursor:
        properties = {"cursor": {"type": "string"}, **properties}
        required = ["cursor", *required]
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def payload_components() -> dict[str, dict[str, Any]]:
    """The seed's payloads as named schemas: each variant, each event, each item and each batch."""
    named: dict[str, dict[str, Any]] = {}
    kinds = [(1, "unit.paired", "V1UnitPaired"), (1, "unit.unpaired", "V1UnitUnpaired")]
    kinds.append((2, "unit.paired", "V2UnitPaired"))
    for version in SUPPORTED_VERSIONS:
        variants = []
        for reason in Reason:
            name = f"V{version}UnitPaired{reason.value}"
            named[name] = _strip(contract.paired_variant(reason, version))
            variants.append({"$ref": _REF + name})
        named[f"V{version}UnitPaired"] = {"title": f"unit.paired eventData (v{version})", "oneOf": variants}
    named["V1UnitUnpaired"] = _strip(contract.unpaired())
    for version, event_type, data in kinds:
        named[f"{data}Event"] = _item(version, event_type, data, cursor=False)
        named[f"{data}FeedItem"] = _item(version, event_type, data, cursor=True)
    for version in SUPPORTED_VERSIONS:
        batch = _strip(contract.envelope(version))
        events = [{"$ref": f"{_REF}{data}Event"} for v, _, data in kinds if v == version]
        batch["properties"]["eventsData"]["items"] = {"oneOf": events}
        named[f"V{version}EventBatch"] = batch
    named["FeedItemOut"] = {
        "title": "FeedItemOut",
        "description": "An event of the feed, `eventData` exactly as a webhook of that version carries it.",
        "oneOf": [{"$ref": f"{_REF}{data}FeedItem"} for _, _, data in kinds],
    }
    named["FeedEventOut"] = {
        "title": "FeedEventOut",
        "description": "An event of a feed poll, `eventData` as a webhook of that version carries it.",
        "oneOf": [{"$ref": f"{_REF}{data}Event"} for _, _, data in kinds],
    }
    return named


def _string_schemas(schema: dict[str, Any]) -> list[dict[str, Any]]:
    if schema.get("type") == "string":
        return [schema]
    return [option for option in schema.get("anyOf", []) if option.get("type") == "string"]


def _formats(schemas: dict[str, Any]) -> None:
    for title, schema in schemas.items():
        for name, prop in schema.get("properties", {}).items():
            if name in _UUID_NAMES and not (name == "id" and title in _FREE_FORM_IDS):
                wanted = "uuid"
            elif name.endswith(_TIME_SUFFIXES) or name == "at":
                wanted = "date-time"
            else:
                continue
            for option in _string_schemas(prop):
                option.setdefault("format", wanted)


def _non_nullable(schema: dict[str, Any], keep: set[str]) -> None:
    # PATCH leaves out what does not change; the server refuses null for these, so say so.
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf")
        if name in keep or not options:
            continue
        concrete = [option for option in options if option.get("type") != "null"]
        if len(concrete) == 1:
            prop.pop("anyOf")
            prop.update(concrete[0])
            prop.pop("default", None)


def refine(document: dict[str, Any]) -> None:
    """Make `document` (FastAPI's, with problems declared) fit for generated clients."""
    schemas = document["components"]["schemas"]
    schemas.update(payload_components())
    schemas["Problem"] = {**schemas["Problem"]}
    schemas["Problem"]["properties"] = {**schemas["Problem"]["properties"], **PROBLEM_EXTRAS}
    schemas["Problem"]["properties"]["code"] = {
        **schemas["Problem"]["properties"]["code"],
        "enum": sorted(PROBLEM_CODES),
    }
    _formats(schemas)
    # A patch may remove every header and name as many new ones.
    for name, most in (("SubscriptionIn", MAX_CUSTOM_HEADERS), ("SubscriptionPatch", 2 * MAX_CUSTOM_HEADERS)):
        headers = schemas.get(name, {}).get("properties", {}).get("customHeaders")
        if headers is not None:
            for option in [headers, *headers.get("anyOf", [])]:
                if option.get("type") == "object":
                    option["maxProperties"] = most
    names = schemas.get("SubscriptionOut", {}).get("properties", {}).get("customHeaderNames")
    if names is not None:
        names["maxItems"] = MAX_CUSTOM_HEADERS
    if "SubscriptionPatch" in schemas:
        _non_nullable(schemas["SubscriptionPatch"], keep={"description", "auth"})
    attempt = schemas.get("AttemptOut", {}).get("properties", {}).get("outcome")
    if attempt is not None:
        attempt["enum"] = sorted({o.value for o in Outcome} | {LEASE_LOST, RECORDING_FAILED})
    messages = schemas.get("UnitMessagesIn", {}).get("properties", {}).get("messages", {})
    if "items" in messages:
        messages["items"] = {"$ref": _REF + "UnitMessageIn"}
    _operation_ids(document)
    metrics = document["paths"].get("/metrics", {}).get("get")
    if metrics is not None:
        metrics["responses"]["200"] = {
            "description": "Prometheus text exposition.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    for version, hook in ((1, "asset-events-v1"), (2, "asset-events-v2")):
        operation = document.get("webhooks", {}).get(hook, {}).get("post")
        if operation is not None:
            operation["operationId"] = f"receiveAssetEventsV{version}"
            content = operation["requestBody"]["content"]["application/json"]
            content["schema"] = {"$ref": f"{_REF}V{version}EventBatch"}


def _operation_ids(document: dict[str, Any]) -> None:
    """FastAPI's ids are `{function}{path}_{method}`: keep the function's name, in camelCase."""
    taken: set[str] = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            default = operation.get("operationId", "")
            suffix = re.sub(r"\W", "_", path) + "_" + method
            if not default.endswith(suffix):
                continue
            wanted = _camel(default[: -len(suffix)])
            # A name used by two routers keeps FastAPI's unique id rather than clash.
            if wanted and wanted not in taken:
                operation["operationId"] = wanted
                taken.add(wanted)
