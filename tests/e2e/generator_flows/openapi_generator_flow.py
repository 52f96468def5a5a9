"""Pair, read a feed page and get a typed problem through the client openapi-generator (`-g python`) made.

Run by `test_client_generators.py` with the generated package on `PYTHONPATH`; prints a JSON summary.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any


def main() -> None:
    """Take the ids from argv[1] (JSON) and print what the generated client read."""
    given = json.loads(sys.argv[1])
    og: Any = importlib.import_module("pairhub_og")
    org = given["orgId"]
    admin = og.Configuration(host=given["baseUrl"], access_token=given["adminToken"])
    with og.ApiClient(admin) as client:
        # The optional body left out: a key with the server's defaults.
        key = og.PeopleAndKeysApi(client).create_api_key(org)
    configuration = og.Configuration(host=given["baseUrl"], access_token=key.key)
    with og.ApiClient(configuration) as client:
        pairings = og.PairingsApi(client)
        paired = pairings.pair(org, og.PairingIn(unit_id=given["unitId"], asset_id=given["assetId"]))
        page = og.EventsApi(client).feed(org, event_version=1, unit_id=given["unitId"])
        try:
            pairings.pair(org, og.PairingIn(unit_id=given["unitId"], asset_id=given["otherAssetId"]))
        except og.ApiException as error:
            problem = error.data
            status = error.status
    items = [item.actual_instance for item in page.data]
    print(
        json.dumps(
            {
                "keyScope": key.scope,
                "pairedUnit": paired.unit_id,
                "feed": [
                    {
                        "eventType": item.event_type,
                        "eventVersion": item.event_version,
                        "reason": item.event_data.actual_instance.reason,
                        "assetId": str(item.event_data.actual_instance.asset_id),
                        "assetVIN": item.event_data.actual_instance.asset_vin,
                    }
                    for item in items
                ],
                "types": [
                    [type(item).__name__, type(item.event_data.actual_instance).__name__] for item in items
                ],
                "problem": {
                    "status": status,
                    "type": type(problem).__name__,
                    "code": problem.code,
                    "assetId": str(problem.asset_id),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
