"""Pair, read an event feed page and a Datahub Feed API page, and get a typed problem, all through the
client openapi-python-client made.

Run by `test_client_generators.py` with the generated package on `PYTHONPATH`; prints a JSON summary.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any


def _module(name: str) -> Any:
    return importlib.import_module(f"pairhub_client.{name}")


def main() -> None:
    """Take the ids from argv[1] (JSON) and print what the generated client read."""
    given = json.loads(sys.argv[1])
    models = _module("models")
    org = given["orgId"]
    clients = _module("client")
    with clients.AuthenticatedClient(base_url=given["baseUrl"], token=given["adminToken"]) as admin:
        # The optional body left out: a key with the server's defaults.
        key = _module("api.people_and_keys.create_api_key").sync(org, client=admin)
    with clients.AuthenticatedClient(base_url=given["baseUrl"], token=key.key) as client:
        pair = _module("api.pairings.pair")
        paired = pair.sync(
            org, client=client, body=models.PairingIn(unit_id=given["unitId"], asset_id=given["assetId"])
        )
        page = _module("api.events.feed").sync(org, client=client, event_version=1, unit_id=given["unitId"])
        # The Datahub Feed API: a feed of pairings in version 1 (it covers the past), then one page of it.
        created = _module("api.feeds.create_feed").sync(
            org,
            client=client,
            body=models.FeedIn(
                event_names=[models.FeedInEventNamesItem.UNIT_PAIRED],
                event_version=models.FeedInEventversion.VALUE_1,
            ),
        )
        polled = _module("api.feeds.poll_feed").sync(str(created.id), client=client, limit=100)
        refused = pair.sync_detailed(
            org, client=client, body=models.PairingIn(unit_id=given["unitId"], asset_id=given["otherAssetId"])
        )
    problem = refused.parsed
    print(
        json.dumps(
            {
                "keyScope": str(key.scope),
                "pairedUnit": paired.unit_id,
                "feed": [
                    {
                        "eventType": str(item.event_type),
                        "eventVersion": int(item.event_version),
                        "reason": str(item.event_data.reason),
                        "assetId": str(item.event_data.asset_id),
                        "assetVIN": item.event_data.asset_vin,
                    }
                    for item in page.data
                ],
                "types": [[type(item).__name__, type(item.event_data).__name__] for item in page.data],
                "feedApi": {
                    "created": [
                        type(created).__name__,
                        str(created.state),
                        [str(n) for n in created.event_names],
                    ],
                    "page": type(polled).__name__,
                    "hasNext": polled.has_next,
                    "items": [
                        [
                            type(item).__name__,
                            type(item.event_data).__name__,
                            str(item.event_type),
                            int(item.event_version),
                            str(item.event_data.reason),
                            item.event_data.unit_id,
                            str(item.event_data.asset_id),
                        ]
                        for item in polled.items
                    ],
                },
                "problem": {
                    "status": int(refused.status_code),
                    "type": type(problem).__name__,
                    "code": str(problem.code),
                    "assetId": str(problem.asset_id),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
