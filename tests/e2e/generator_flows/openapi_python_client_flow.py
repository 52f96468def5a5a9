"""Pair, read a feed page and get a typed problem through the client openapi-python-client made.

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
