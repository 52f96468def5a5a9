"""The Feed API in the OpenAPI document: operation ids, typed items, the limit, Feed-Cursor and 429."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from pairhub.bootstrap import Container
from tests.integration.test_feed_api import create_feed, record_events
from tests.support import Api

REF = "#/components/schemas/"


def _validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    root = {"$ref": REF + name, "components": document["components"]}
    return Draft202012Validator(root, format_checker=FormatChecker())


def test_the_feed_endpoints_are_named_typed_and_real_answers_match_them(
    container: Container, api: Api
) -> None:
    org = api.new_org()
    record_events(container, org, 4)
    feed_id = create_feed(api, org)
    document: dict[str, Any] = api.client.get("/openapi.json").json()
    paths, schemas = document["paths"], document["components"]["schemas"]

    feeds_path = "/v1/organizations/{org_id}/feeds"
    assert {method: op["operationId"] for method, op in paths[feeds_path].items()} == {
        "post": "createFeed",
        "get": "listFeeds",
    }
    assert paths[feeds_path + "/{feed_id}/pause"]["post"]["operationId"] == "pauseFeed"
    assert paths[feeds_path + "/{feed_id}/resume"]["post"]["operationId"] == "resumeFeed"
    poll = paths["/v1/feed/{feed_id}"]["get"]
    assert poll["operationId"] == "pollFeed"
    (limit,) = [p for p in poll["parameters"] if p["name"] == "limit"]
    assert limit["schema"] == {"type": "integer", "minimum": 100, "maximum": 250, "default": 100}
    assert "Feed-Cursor" in poll["responses"]["200"]["headers"]
    assert "Retry-After" in poll["responses"]["429"]["headers"]
    assert schemas["FeedEventOut"]["oneOf"] == [
        {"$ref": REF + "V1UnitPairedEvent"},
        {"$ref": REF + "V1UnitUnpairedEvent"},
        {"$ref": REF + "V2UnitPairedEvent"},
    ]
    assert schemas["FeedOut"]["properties"]["id"]["format"] == "uuid"

    answer = api.client.get(f"/v1/feed/{feed_id}", headers=org.headers).json()
    _validator(document, "FeedPollOut").validate(answer)
    shown = api.client.get(f"/v1/organizations/{org.id}/feeds/{feed_id}", headers=org.headers).json()
    _validator(document, "FeedOut").validate(shown)
    assert not _validator(document, "FeedEventOut").is_valid(
        {"eventType": "unit.unpaired", "eventVersion": 2, "eventData": answer["items"][1]["eventData"]}
    )
