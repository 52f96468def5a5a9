"""`GET /v1/event-types`: the public catalogue, each schema the published one, each example valid."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from pairhub.domain.events import Reason
from tests.support import Api

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def test_the_catalogue_lists_every_type_and_version_with_its_schema_and_valid_examples(api: Api) -> None:
    answer = api.client.get("/v1/event-types")  # no token: integrators read it before they have one

    assert answer.status_code == 200
    body = answer.json()
    assert body["nextCursor"] is None
    kinds = [(item["eventType"], item["eventVersion"]) for item in body["data"]]
    assert kinds == [("unit.paired", 1), ("unit.unpaired", 1), ("unit.paired", 2)]
    for item in body["data"]:
        event_type, version = item["eventType"], item["eventVersion"]
        published = (
            "v1-unit.unpaired.json" if event_type == "unit.unpaired" else f"v{version}-unit.paired.json"
        )
        assert item["schema"] == json.loads((SCHEMAS / published).read_text())
        validator = Draft202012Validator(item["schema"], format_checker=FormatChecker())
        expected = {"unpaired"} if event_type == "unit.unpaired" else {reason.value for reason in Reason}
        assert set(item["examples"]) == expected
        for example in [item["example"], *item["examples"].values()]:
            assert (example["eventType"], example["eventVersion"]) == (event_type, version)
            assert list(validator.iter_errors(example["eventData"])) == []
