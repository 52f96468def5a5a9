"""An integrator's flow with the `pairhub-client` package alone: pair, read a feed page, meet a problem,
send a create again under the same idempotency key.

Run by tests/e2e/test_sdks.py with the Python of a fresh venv that has only `clients/python` installed;
it prints what it saw as JSON for the test to check. Usage: python_flow.py BASE_URL ADMIN_TOKEN.
"""

from __future__ import annotations

import json
import sys

from pairhub_client import AuthenticatedClient
from pairhub_client.api.assets import create_asset, list_assets
from pairhub_client.api.events import feed
from pairhub_client.api.organizations import create_organization
from pairhub_client.api.pairings import pair
from pairhub_client.api.people_and_keys import create_api_key
from pairhub_client.api.units import provision_unit
from pairhub_client.models import (
    ApiKeyIn,
    AssetIn,
    AssetOut,
    NewApiKeyOut,
    OrganizationIn,
    OrganizationOut,
    PairingIn,
    PairingOut,
    Problem,
    UnitIn,
)


def main(base_url: str, admin_token: str) -> None:
    """Do the flow and print a summary."""
    with AuthenticatedClient(base_url=base_url, token=admin_token) as admin:
        organization = create_organization.sync(client=admin, body=OrganizationIn(name="Acme SDK (Python)"))
        assert isinstance(organization, OrganizationOut), organization
        org_id = str(organization.id)
        key = create_api_key.sync(org_id, client=admin, body=ApiKeyIn(name="python-sdk"))
        assert isinstance(key, NewApiKeyOut), key

    with AuthenticatedClient(base_url=base_url, token=key.key) as client:
        asset = create_asset.sync(org_id, client=client, body=AssetIn(vin="1HGCM82633A004352"))
        other = create_asset.sync(org_id, client=client, body=AssetIn(name="Reefer 7"))
        unit = provision_unit.sync(org_id, client=client, body=UnitIn(unit_id="tp:python1"))
        paired = pair.sync(org_id, client=client, body=PairingIn(unit_id=unit.unit_id, asset_id=asset.id))
        assert isinstance(paired, PairingOut), paired

        refused = pair.sync_detailed(
            org_id, client=client, body=PairingIn(unit_id=unit.unit_id, asset_id=other.id)
        )
        problem = refused.parsed
        assert isinstance(problem, Problem), refused.content

        page = feed.sync(org_id, client=client, event_version=2, limit=10)

        # A retry after a lost answer: the same create under the same key, through the typed parameter.
        retries = [
            create_asset.sync_detailed(
                org_id, client=client, body=AssetIn(name="Retried trailer"), idempotency_key="python-sdk-1"
            )
            for _ in range(2)
        ]
        assert all(isinstance(retry.parsed, AssetOut) for retry in retries), [r.content for r in retries]
        assets = list_assets.sync(org_id, client=client, limit=100)

    print(
        json.dumps(
            {
                "pairing": {"unitId": paired.unit_id, "assetId": str(paired.asset_id)},
                "assetId": str(asset.id),
                "problem": {
                    "status": refused.status_code,
                    "type": type(problem).__name__,
                    "code": problem.code.value,
                    "assetId": str(problem.asset_id),
                },
                "idempotent": {
                    "statuses": [retry.status_code for retry in retries],
                    "sameAnswer": retries[0].content == retries[1].content,
                    "replayed": [retry.headers.get("Idempotent-Replayed") for retry in retries],
                    "created": sum(asset.name == "Retried trailer" for asset in assets.data),
                },
                "feed": [
                    {
                        "type": type(item).__name__,
                        "eventType": str(item.event_type),
                        "eventDataType": type(item.event_data).__name__,
                        "unitId": item.event_data.unit_id,
                        "assetVIN": item.event_data.asset_vin,
                    }
                    for item in page.data
                ],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
