"""Seeding an empty database with the demo organization, fleet and subscription."""

from __future__ import annotations

import secrets

from rich.console import Console

from pairhub.bootstrap import Container
from pairhub.domain.people import MemberRole
from pairhub.entrypoints.demo.fleet import ASSETS, ORGANIZATION_NAME, UNITS, DemoPlan
from pairhub.entrypoints.demo.receiver import BATCHES_PATH, RECEIVER_PATH
from pairhub.entrypoints.demo.script import SCRIPT
from pairhub.entrypoints.demo.settings import demo_speed, loopback_url

DEMO_EMAIL = "demo@pairhub.example"
"""The demo's person, an owner of the demo organization (the password is made and printed at seeding)."""


def seed_demo(container: Container, base_url: str, console: Console) -> DemoPlan | None:
    """Create the demo organization, fleet and subscription, unless the database has data."""

    def say(text: str) -> None:
        # Unwrapped, so that keys and addresses can be copied from a narrow terminal.
        console.print(text, soft_wrap=True, highlight=False)

    if container.organizations.list(None, None, 1).items:
        say("Demo: the database already has data; nothing seeded.")
        say(
            f"Demo: webhooks received by the built-in receiver: {base_url}{BATCHES_PATH} "
            "(delete the database file to watch the demo again)."
        )
        return None
    speed = demo_speed()
    org = container.organizations.create(ORGANIZATION_NAME, True, True)
    _, key = container.organizations.create_api_key(org.id, name="demo", created_by="demo")
    password = secrets.token_urlsafe(12)
    person = container.people.create(
        DEMO_EMAIL, "Demo Owner", password, organization_id=org.id, role=MemberRole.OWNER
    )
    asset_ids = {
        asset.role: container.assets.create(org.id, asset.vin, asset.name).asset.id for asset in ASSETS
    }
    for unit in UNITS:
        container.units.provision(org.id, unit.unit_id)
    own_url = loopback_url(base_url)
    container.subscriptions.create(
        org.id,
        url=own_url + RECEIVER_PATH,
        event_version=1,
        names=["unit.paired", "unit.unpaired"],
        description="Built-in demo receiver",
    )
    say(
        f"Demo: organization {ORGANIZATION_NAME!r} ({org.id}) with {len(ASSETS)} assets, "
        f"{len(UNITS)} units and auto pairing on."
    )
    say(f"Demo organization key: {key}")
    say(f"UI: {base_url}/ui  (sign in as {person.email} with the password {password})")
    say(f"Received webhooks: {base_url}{BATCHES_PATH}  (JSON: {base_url}{RECEIVER_PATH})")
    say(
        "Simulated units start reporting once the server is up; the scripted outcomes take "
        f"{SCRIPT[-1].at_s / speed:.0f} s, NotFound reminders come every "
        f"{container.settings.reminder_interval:g} s."
    )
    return DemoPlan(org.id, asset_ids, own_url, speed)
