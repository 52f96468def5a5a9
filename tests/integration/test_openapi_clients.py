"""The OpenAPI document names what generated clients need: payloads, problem extras, formats and ids."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker

from pairhub.entrypoints.api.problems import UndeclaredProblemCode, problem
from tests.support import Api


def _document(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def _validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    # The components ride along in the root, so `#/components/schemas/...` resolves as in the document.
    root = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(root, format_checker=FormatChecker())


def test_the_feed_item_is_one_of_the_named_payloads_and_real_items_match_it(api: Api) -> None:
    org = api.new_org()
    asset = api.new_asset(org, vin="1HGCM82633A000001")
    api.new_unit(org, "tp:1")
    api.pair(org, "tp:1", asset["id"])
    api.unpair(org, "tp:1")
    document = _document(api.client)
    schemas = document["components"]["schemas"]

    assert schemas["FeedItemOut"]["oneOf"] == [
        {"$ref": "#/components/schemas/V1UnitPairedFeedItem"},
        {"$ref": "#/components/schemas/V1UnitUnpairedFeedItem"},
        {"$ref": "#/components/schemas/V2UnitPairedFeedItem"},
    ]
    assert schemas["V2UnitPaired"]["oneOf"][0]["$ref"].startswith("#/components/schemas/V2UnitPaired")
    validator = _validator(document, "FeedItemOut")
    for version in (1, 2):
        for item in api.feed(org, version):
            validator.validate(item)
    assert not validator.is_valid(
        {"cursor": "1", "eventType": "unit.paired", "eventVersion": 2, "eventData": {}}
    )


def test_problem_extras_formats_limits_and_operation_ids_are_declared(client: TestClient) -> None:
    document = _document(client)
    schemas = document["components"]["schemas"]
    operations = [op for path in document["paths"].values() for op in path.values()]

    assert {"assetId", "errors", "vin", "unitId", "eventName"} <= set(schemas["Problem"]["properties"])
    assert {"unit_already_paired", "validation_error", "internal_error"} <= set(
        schemas["Problem"]["properties"]["code"]["enum"]
    )
    assert schemas["AssetOut"]["properties"]["id"]["format"] == "uuid"
    assert schemas["AssetOut"]["properties"]["createdAt"]["format"] == "date-time"
    assert schemas["SubscriptionIn"]["properties"]["customHeaders"]["maxProperties"] == 5
    assert "leaseLost" in schemas["AttemptOut"]["properties"]["outcome"]["enum"]
    assert "anyOf" not in schemas["SubscriptionPatch"]["properties"]["url"]
    assert "text/plain" in document["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert schemas["UnitMessagesIn"]["properties"]["messages"]["items"] == {
        "$ref": "#/components/schemas/UnitMessageIn"
    }
    ids = [operation["operationId"] for operation in operations]
    assert "createOrganization" in ids and "unitAttempts" in ids
    assert len(set(ids)) == len(ids)
    assert all("_" not in operation_id for operation_id in ids)


def test_a_problem_with_an_undeclared_code_is_flagged() -> None:
    with pytest.warns(UndeclaredProblemCode):
        problem(418, "teapot", "Short and stout.")
