"""What generators and linters read beyond the operations: servers, tags, licence, public operations,
path parameters in URL order, the `Idempotency-Key` header, discriminators on the payload unions, enums
for constants, optional bodies and the defaults of inputs and outputs."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from pairhub.domain.access import Action
from pairhub.domain.events import Reason
from pairhub.domain.idempotency import IDEMPOTENCY_WINDOW_MS, KEY_PATTERN, MAX_KEY_LENGTH
from pairhub.entrypoints.api.idempotency import HEADER_NAME, REPLAYED_NAME, covers
from pairhub.entrypoints.policies import action_of

_BEARER: list[dict[str, list[str]]] = [{"HTTPBearer": []}]
INFO_DESCRIPTION = (
    "Pair telematics units with assets, by hand or from the VINs units report, and receive every pairing "
    "event as a signed webhook batch (`webhooks` below), from the event feed or from a Datahub feed. "
    "Calls take `Authorization: Bearer <token>` (an organization's API key, or the admin token); errors "
    "are RFC 9457 problem documents whose `code` is meant for programs. Integrators' guide: "
    "docs/integrators.md; the API: docs/api.md."
)

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
    "webhooks": "The batches pairhub sends to a subscription's URL, with their signature headers.",
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


_WINDOW_HOURS = IDEMPOTENCY_WINDOW_MS // 3_600_000
IDEMPOTENCY_KEY: dict[str, Any] = {
    "name": HEADER_NAME,
    "in": "header",
    "required": False,
    "description": (
        "Makes the request safe to send again (Stripe's semantics): a fresh random key (a UUID) per "
        "intended write. The same key with the same request (method, path, query and body) within "
        f"{_WINDOW_HOURS} hours answers the first answer again, same status and body, with "
        f"`{REPLAYED_NAME}: true`; with another request it is 422 `idempotency_key_reused`; while the "
        "first request still runs, 409 `idempotency_key_in_use` (send it again after `Retry-After`), so "
        "concurrent duplicates have one effect. Keys belong to the caller (an organization's API keys "
        "share one namespace); a 5xx answer is not kept, so its retry runs again."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN},
}
"""The header every operation the idempotency middleware covers declares."""
_IDEMPOTENCY_PROBLEMS = {
    "400": f"`invalid_idempotency_key`: `{HEADER_NAME}` is not 1 to {MAX_KEY_LENGTH} printable ASCII "
    "characters.",
    "409": f"`idempotency_key_in_use`: a request with this `{HEADER_NAME}` is still running; send it again "
    "after `Retry-After`.",
    "422": f"`idempotency_key_reused`: this `{HEADER_NAME}` was used for another request in the last "
    f"{_WINDOW_HOURS} hours.",
}


def _takes_idempotency_key(operation: dict[str, Any]) -> None:
    """Declare the header and the problems only a key can cause (on top of the operation's own)."""
    operation.setdefault("parameters", []).append(copy.deepcopy(IDEMPOTENCY_KEY))
    responses = operation["responses"]
    for status, description in _IDEMPOTENCY_PROBLEMS.items():
        responses[status]["description"] = f"{responses[status]['description']} {description}"


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
    """`reason` tells the variants of `unit.paired` apart, and `eventType` the events of a batch."""
    for version in (1, 2):
        union = schemas.get(f"V{version}UnitPaired")
        if union is not None:
            mapping = {reason.value: f"{_REF}V{version}UnitPaired{reason.value}" for reason in Reason}
            union["discriminator"] = {"propertyName": "reason", "mapping": mapping}
        items = (
            schemas.get(f"V{version}EventBatch", {}).get("properties", {}).get("eventsData", {}).get("items")
        )
        if items is not None and "oneOf" in items:
            names = [option["$ref"].rsplit("/", 1)[1] for option in items["oneOf"]]
            mapping = {schemas[name]["properties"]["eventType"]["enum"][0]: _REF + name for name in names}
            items["discriminator"] = {"propertyName": "eventType", "mapping": mapping}


def _enums(node: Any) -> None:
    """`const` becomes a one-value `enum`: some generators read `const` as an untyped value."""
    if isinstance(node, dict):
        if "const" in node:
            value = node.pop("const")
            node["enum"] = [value]
            kind = {bool: "boolean", int: "integer", str: "string"}.get(type(value))
            if kind is not None:
                node.setdefault("type", kind)
        for value in node.values():
            _enums(value)
    elif isinstance(node, list):
        for value in node:
            _enums(value)


def _optional_bodies(document: dict[str, Any]) -> None:
    """A body that may be left out is an optional body of its schema, not a body that may be `null`."""
    for operations in document["paths"].values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            options = (content or {}).get("schema", {}).get("anyOf", [])
            concrete = [option for option in options if option.get("type") != "null"]
            if content is not None and len(options) == 2 and len(concrete) == 1:
                content["schema"] = concrete[0]
                operation["requestBody"]["required"] = False


def _references(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF):
            found.add(ref[len(_REF) :])
        for value in node.values():
            _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)


def _reached(schemas: dict[str, Any], roots: list[Any]) -> set[str]:
    """The component schemas `roots` refer to, directly or through other components."""
    found: set[str] = set()
    _references(roots, found)
    todo = list(found)
    while todo:
        more: set[str] = set()
        _references(schemas.get(todo.pop(), {}), more)
        todo.extend(more - found)
        found |= more
    return found


def _defaults(document: dict[str, Any]) -> None:
    """Outputs: a field with a default is always present, so required. Inputs: a default is the
    server's, so the field stays optional and its default is said in words (openapi-typescript's
    defaults make a property with `default` required, even in a request body's component)."""
    schemas = document["components"]["schemas"]
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    inputs = _reached(schemas, [op.get("requestBody", {}) for op in operations])
    outputs = _reached(schemas, [op.get("responses", {}) for op in operations])
    for name in outputs - inputs:
        schema = schemas[name]
        defaulted = [key for key, prop in schema.get("properties", {}).items() if "default" in prop]
        if defaulted:
            schema["required"] = [
                *schema.get("required", []),
                *(k for k in defaulted if k not in schema.get("required", [])),
            ]
    for name in inputs:
        for prop in schemas[name].get("properties", {}).values():
            if "default" in prop:
                default = prop.pop("default")
                said = f"Default: `{json.dumps(default)}`."
                prop["description"] = f"{prop['description']} {said}" if prop.get("description") else said


def complete(document: dict[str, Any], public_url: str | None) -> None:
    """Add servers, tags, licence and contact; mark public operations; order path parameters."""
    document["servers"] = [{"url": public_url or "/", "description": "This pairhub."}]
    document["info"]["description"] = INFO_DESCRIPTION
    document["info"]["license"] = {"name": "MIT", "identifier": "MIT"}
    document["info"]["contact"] = {"name": "pairhub", "url": "https://pairhub.dev"}
    used = {
        tag
        for section in ("paths", "webhooks")
        for operations in document.get(section, {}).values()
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
            # The policy table decides who may call: public operations take no token, all others one.
            public = action_of(method.upper(), path) is Action.PUBLIC
            operation["security"] = [] if public else _BEARER
            # Keys belong to a caller: without one (a public operation) the middleware leaves the key unread.
            if covers(method.upper(), path) and not public:
                _takes_idempotency_key(operation)
    for hook in document.get("webhooks", {}).values():
        for operation in hook.values():
            operation["security"] = []
    _enums(document["components"])
    _enums(document.get("webhooks", {}))
    _discriminate(document["components"]["schemas"])
    _optional_bodies(document)
    _defaults(document)
