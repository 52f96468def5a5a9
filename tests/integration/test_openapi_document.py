"""The OpenAPI document carries what generators and linters read: path parameters in URL order,
servers, public operations marked, described tags, licence and contact, discriminated unions."""

from __future__ import annotations

import re
from typing import Any

from tests.support import Api


def _document(api: Api) -> dict[str, Any]:
    document: dict[str, Any] = api.client.get("/openapi.json").json()
    return document


def test_path_parameters_follow_the_url_and_public_operations_need_no_token(api: Api) -> None:
    document = _document(api)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            assert declared == re.findall(r"\{([^}]+)\}", path), (method, path)
    public = {
        path
        for path, operations in document["paths"].items()
        for operation in operations.values()
        if operation.get("security") == []
    }
    assert public == {
        "/healthz",
        "/readyz",
        "/metrics",
        "/v1/event-types",
        "/v1/subscriptions/{sub_id}/jwks.json",
    }
    assert all(op["security"] == [] for hook in document["webhooks"].values() for op in hook.values())


def test_servers_tags_licence_and_discriminators(api: Api) -> None:
    document = _document(api)
    assert document["servers"] == [{"url": "/", "description": "This pairhub."}]
    assert document["info"]["license"]["identifier"] == "MIT" and document["info"]["contact"]["url"]
    used = {tag for ops in document["paths"].values() for op in ops.values() for tag in op.get("tags", [])}
    assert {tag["name"] for tag in document["tags"]} == used and all(
        tag["description"] for tag in document["tags"]
    )
    schemas = document["components"]["schemas"]
    for version in (1, 2):
        union = schemas[f"V{version}UnitPaired"]
        assert union["discriminator"]["propertyName"] == "reason"
        for reason, target in union["discriminator"]["mapping"].items():
            assert target.endswith(f"V{version}UnitPaired{reason}")
            assert schemas[target.rsplit("/", 1)[1]]["properties"]["reason"] == {
                "type": "string",
                "enum": [reason],
            }
    items = schemas["V1EventBatch"]["properties"]["eventsData"]["items"]
    assert items["discriminator"]["propertyName"] == "eventType"


def test_every_operation_has_a_summary_written_for_people(api: Api) -> None:
    document = _document(api)
    summaries = [op["summary"] for ops in document["paths"].values() for op in ops.values()]
    # FastAPI's defaults are the function's name in title case: "Snapshot", "Create Api Key".
    assert all(" " in summary and not summary.istitle() for summary in summaries), summaries
    assert len(set(summaries)) == len(summaries)
