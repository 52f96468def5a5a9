"""`pairhub serve --demo`: a demo organization for an empty database."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import select

from pairhub.adapters.db.tables import organizations
from pairhub.bootstrap import Container

DEMO_VINS = (
    "1HGCM82633A000001",
    "WDB9634031L738192",
    "YS2R4X20005399401",
    "VF1RFB00X62812345",
    "XLRTE47MS0G123456",
)


def seed_demo(container: Container, base_url: str, console: Console) -> None:
    """Create a demo organization with a key, assets and units, unless the database has data."""
    with container.database.read() as connection:
        if connection.execute(select(organizations.c.id).limit(1)).first() is not None:
            console.print("Demo: the database already has data; nothing seeded.")
            return
    org = container.organizations.create("Demo Fleet", True, True)
    _, key = container.organizations.create_api_key(org["id"])
    for number, vin in enumerate(DEMO_VINS, start=1):
        container.assets.create(org["id"], vin, f"Trailer {number}")
    for serial in range(1, 6):
        container.units.provision(org["id"], f"tp:89012384756233{serial}")
    console.print(f"Demo organization {org['id']} with {len(DEMO_VINS)} assets and 5 units.")
    console.print(f"Demo organization key: {key}")
    console.print(
        f"Try: curl -H 'Authorization: Bearer {key}' {base_url}/v1/organizations/{org['id']}/assets"
    )
