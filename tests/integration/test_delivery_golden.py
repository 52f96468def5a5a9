"""Golden delivery: each seed example goes through the whole pipeline and arrives byte for byte.

The canonical event behind each example is recorded in the outbox, delivered over real HTTP, verified with
`standardwebhooks`, validated against the published schema and compared with the seed's bytes; only the
ids and times that belong to this run (batch, subscription, organization, batch time) are substituted.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from pairhub.adapters.sql.events import record_events
from pairhub.bootstrap import Container
from pairhub.contract import schemas
from tests.delivery_support import Receiver, drain, subscribe
from tests.golden.seed_examples import SEED_DIR, event_behind, seed_examples
from tests.support import Api

EXAMPLES = seed_examples()


@pytest.mark.parametrize("name", sorted(EXAMPLES))
async def test_seed_example_is_delivered_byte_for_byte(
    name: str, api: Api, container: Container, receiver: Receiver
) -> None:
    seed = EXAMPLES[name]
    item = seed["eventsData"][0]
    version, event_type = item["eventVersion"], item["eventType"]
    org = api.new_org()
    sub = subscribe(api, org, receiver.url("/hook"), eventVersion=version, eventNames=[event_type])
    event = dataclasses.replace(event_behind(seed), organization_id=org.id)
    with container.database.write() as connection:
        record_events(connection, [event])

    assert await drain(container.delivery_worker) == 1

    [request] = receiver.requests("/hook")
    delivered = request.verify(sub["secret"])
    Draft202012Validator(schemas.load(f"v{version}-envelope.json"), format_checker=FormatChecker()).validate(
        delivered
    )
    ours = (
        request.body.decode()
        .replace(delivered["eventBatchId"], seed["eventBatchId"])
        .replace(sub["id"], seed["eventSubscriptionId"])
        .replace(delivered["eventBatchTime"], seed["eventBatchTime"])
        .replace(org.id, item["eventData"]["organizationId"])
    )
    assert ours == json.dumps(seed, separators=(",", ":"), ensure_ascii=False)
    seed_text = Path(SEED_DIR / f"{name}.json").read_text()
    assert json.dumps(json.loads(ours), indent=2) == seed_text.rstrip("\n")
