"""The organization's auto-pairing switch and the organization boundary, on the in-memory storage.

These rules once ran through HTTP on SQLite and PostgreSQL; the adapters they crossed are proven by
the contract tests and the API tests that remain.
"""

from __future__ import annotations

from pairhub.domain.events import EventType
from pairhub.domain.model import AutoPairingState as S
from pairhub.domain.vin import ReportedVin
from pairhub.services.assets import AssetChanges
from pairhub.services.ingest import UnitMessage
from tests.handlers.conftest import Hub

VIN = "1HGCM82633A000001"
OTHER_VIN = "WDB9634031L738192"


def outcomes(hub: Hub, org: str) -> list[str]:
    """Each event's reason, or its type when it has none (an unpairing)."""
    return [str(e.reason) if e.reason else e.event_type.value for e in hub.events(org)]


def send_many(hub: Hub, *messages: tuple[str, str]) -> None:
    """One request with a message per (unit, VIN)."""
    hub.ingest.accept(
        [UnitMessage(n, unit_id, vin=ReportedVin.of(vin)) for n, (unit_id, vin) in enumerate(messages)]
    )


def switch(hub: Hub, org: str, *states: bool) -> None:
    for enabled in states:
        hub.organizations.update(org, auto_pairing_enabled=enabled)


def test_nothing_happens_while_the_organization_has_auto_pairing_off(hub: Hub) -> None:
    org = hub.org(auto_pairing=False)
    hub.asset(org, VIN)
    hub.units.provision(org, "tp:1")
    assert hub.unit(org, "tp:1").state is S.DISABLED

    hub.send("tp:1", VIN)
    assert hub.events(org) == []
    assert hub.unit(org, "tp:1").state is S.DISABLED

    switch(hub, org, True)
    assert hub.unit(org, "tp:1").state is S.IDLE
    hub.send("tp:1", VIN)
    assert outcomes(hub, org) == ["AutoPair"]


def test_switching_off_keeps_a_suppressed_unit_suppressed(hub: Hub) -> None:
    org = hub.org()
    hub.asset(org, VIN)
    hub.units.provision(org, "tp:1")
    hub.send("tp:1", VIN)
    hub.pairing.unpair(org, "tp:1")

    switch(hub, org, False, True)
    hub.send("tp:1", VIN)

    assert outcomes(hub, org) == ["AutoPair", EventType.UNPAIRED.value]
    assert hub.unit(org, "tp:1").state is S.SUPPRESSED


def test_switching_off_and_on_does_not_announce_invalid_data_or_multiple_match_again(hub: Hub) -> None:
    org = hub.org()
    first = hub.asset(org, "1HGCM82633AF3D001")
    second = hub.asset(org, "WDB9634031LF3D001")
    hub.units.provision(org, "tp:1")
    hub.units.provision(org, "tp:2")
    send_many(hub, ("tp:1", "XXXXXX"), ("tp:2", "F3D001"))

    switch(hub, org, False, True, False, True)
    send_many(hub, ("tp:1", "xxx-xxx"), ("tp:2", "F3D001"))

    assert outcomes(hub, org) == ["InvalidData", "MultipleMatchFound"]
    assert hub.unit(org, "tp:1").state is S.INVALID_DATA
    waiting = hub.unit(org, "tp:2")
    assert (waiting.state, waiting.candidates) == (S.MULTIPLE_MATCH_FOUND, tuple(sorted([first, second])))
    hub.send("tp:1", "000000")
    assert outcomes(hub, org) == ["InvalidData", "MultipleMatchFound", "InvalidData"]


def test_switching_on_rematches_what_changed_while_auto_pairing_was_off(hub: Hub) -> None:
    org = hub.org()
    first = hub.asset(org, "1HGCM82633AF3D001")
    second = hub.asset(org, "WDB9634031LF3D001")
    hub.units.provision(org, "tp:1")
    hub.units.provision(org, "tp:2")
    send_many(hub, ("tp:1", "F3D001"), ("tp:2", VIN))
    switch(hub, org, False)
    # The customer fixes the VIN of the wrong candidate while auto pairing is off.
    hub.assets.update(org, second, AssetChanges(vin=OTHER_VIN, vin_given=True))

    switch(hub, org, True)

    assert outcomes(hub, org) == ["MultipleMatchFound", "NotFound", "AutoPair"]
    assert hub.unit(org, "tp:1").asset_id == first
    # NotFound is not one of the outcomes announced once: its reminders ended with the switch.
    hub.send("tp:2", VIN)
    assert outcomes(hub, org)[-1] == "NotFound"
    assert hub.unit(org, "tp:2").reminders_sent == 0


def test_no_match_ever_crosses_organizations(hub: Hub) -> None:
    theirs = hub.org()
    ours = hub.org()
    hub.asset(theirs, VIN)
    hub.asset(theirs, "1HGCM82633B000001")
    hub.units.provision(ours, "tp:1")

    hub.send("tp:1", VIN)
    hub.units.provision(ours, "tp:2")
    hub.send("tp:2", "3A000001")

    assert outcomes(hub, ours) == ["NotFound", "NotFound"]
    assert hub.events(theirs) == []
    # An asset created in the other organization does not re-match our waiting units either.
    hub.asset(theirs, "ZZZCM82633A000001")
    assert outcomes(hub, ours) == ["NotFound", "NotFound"]
