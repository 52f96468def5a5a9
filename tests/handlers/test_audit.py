"""The audit log on the in-memory storage: each change writes its entry in its own transaction, with the
actor, the target and the fields before and after (secrets never); reads filter and page newest first."""

from __future__ import annotations

from typing import Any

import pytest

from pairhub.domain.access import ActorType
from pairhub.domain.audit import SYSTEM, Actor, AuditEntry, AuditQuery, changes_between
from pairhub.domain.errors import Conflict, NotFound
from pairhub.services import audit
from pairhub.services.assets import AssetChanges
from pairhub.services.auth import key_principal
from tests.handlers.conftest import Hub

VIN = "1HGCM82633A000001"
ADA = Actor(ActorType.PERSON, "person-1", "Ada")


def entries(hub: Hub, org: str, **filters: Any) -> list[AuditEntry]:
    """The organization's entries matching the filters, newest first."""
    return list(hub.container.audit.list(AuditQuery(org, **filters), 100).items)


def test_a_change_is_recorded_with_its_actor_target_and_changed_fields(hub: Hub) -> None:
    org = hub.org(auto_pairing=False)
    with audit.acting_as(ADA):
        asset = hub.asset(org, VIN, "Reefer")
        hub.clock.advance(5)
        hub.assets.update(org, asset, AssetChanges(name="Reefer 2", name_given=True))

    updated, created = entries(hub, org)

    assert (updated.actor, updated.action.value, updated.target_type, updated.target_id) == (
        ADA,
        "asset.updated",
        "asset",
        asset,
    )
    assert updated.changes == {"name": ("Reefer", "Reefer 2")}  # the VIN did not change
    assert updated.at == hub.clock.now_ms() == created.at + 5000
    assert created.changes == {"name": (None, "Reefer"), "vin": (None, VIN)}


def test_changes_outside_a_request_are_the_systems_and_auto_pairing_is_the_system(hub: Hub) -> None:
    org = hub.org(auto_pairing=True)
    asset = hub.asset(org, VIN)
    hub.units.provision(org, "tp:1")
    hub.send("tp:1", VIN)

    paired, provisioned, created = entries(hub, org)

    assert {e.actor for e in (paired, provisioned, created)} == {SYSTEM}
    assert (paired.action.value, paired.target_id, paired.changes) == (
        "pairing.created",
        "tp:1",
        {"assetId": (None, asset)},
    )
    assert provisioned.action.value == "unit.created" and provisioned.changes == {}


def test_an_api_key_is_named_by_name_and_id(hub: Hub) -> None:
    org = hub.org(auto_pairing=False)
    key, _ = hub.organizations.create_api_key(org, name="gateway")
    asset = hub.asset(org, None)
    hub.units.provision(org, "tp:1")

    with audit.acting_as(audit.actor_of(key_principal(key))):
        hub.pairing.pair(org, "tp:1", asset)
        hub.pairing.unpair(org, "tp:1")

    unpaired, paired = entries(hub, org, actor_id=key.id)
    assert paired.actor == Actor(ActorType.API_KEY, key.id, "gateway")
    assert (paired.action.value, paired.changes) == ("pairing.created", {"assetId": (None, asset)})
    assert (unpaired.action.value, unpaired.changes) == ("pairing.deleted", {"assetId": (asset, None)})


def test_a_refused_change_leaves_no_entry(hub: Hub) -> None:
    org = hub.org(auto_pairing=False)
    asset = hub.asset(org, VIN)
    other = hub.asset(org, "1HGCM82633A000002")
    hub.units.provision(org, "tp:1")
    hub.pairing.pair(org, "tp:1", asset)
    before = entries(hub, org)

    with pytest.raises(Conflict):
        hub.assets.delete(org, asset)  # a unit is paired to it
    with pytest.raises(Conflict):
        hub.assets.update(org, other, AssetChanges(vin=VIN, vin_given=True))  # the VIN is taken

    assert entries(hub, org) == before


def test_secrets_and_header_values_are_never_recorded(hub: Hub) -> None:
    org = hub.org(auto_pairing=False)
    _, secret = hub.container.subscriptions.create(
        org,
        url="https://hooks.example.com/in",
        event_version=1,
        names=["unit.paired"],
        headers={"Authorization": "Bearer receiver-token"},
    )
    [created] = entries(hub, org, action="subscription.created")
    _, clear_key = hub.organizations.create_api_key(org, name="k")

    assert created.changes["headerNames"] == (None, ["Authorization"])
    assert created.changes["url"] == (None, "https://hooks.example.com/in")
    recorded = repr(entries(hub, org))
    for leaked in (str(secret), "receiver-token", clear_key):
        assert leaked not in recorded
    assert changes_between({"secret": "a", "name": "x"}, {"secret": "b", "name": "x"}) == {
        "secret": ("(changed)", "(changed)")
    }


def test_reads_filter_by_actor_action_target_and_time(hub: Hub) -> None:
    org = hub.org(auto_pairing=False)
    start = hub.clock.now_ms()
    with audit.acting_as(ADA):
        first = hub.asset(org, None, "one")
    hub.clock.advance(60)
    second = hub.asset(org, None, "two")
    hub.clock.advance(60)
    hub.assets.delete(org, first)

    def targets(**filters: Any) -> list[tuple[str, str]]:
        return [(e.action.value, e.target_id) for e in entries(hub, org, **filters)]

    assert targets(actor_id=ADA.id) == [("asset.created", first)]
    assert targets(action="asset.created") == [("asset.created", second), ("asset.created", first)]
    assert targets(target_id=first) == [("asset.deleted", first), ("asset.created", first)]
    assert targets(since=start + 60_000) == [("asset.deleted", first), ("asset.created", second)]
    assert targets(until=start + 60_000) == [("asset.created", first)]  # the end is not included
    assert targets(since=start + 1, until=start + 120_000) == [("asset.created", second)]
    assert hub.container.audit.latest_of(org, [first, second, "none"]) == {
        first: entries(hub, org, target_id=first)[0],
        second: entries(hub, org, target_id=second)[0],
    }


def test_pages_go_newest_first_and_stay_within_the_organization(hub: Hub) -> None:
    org, other = hub.org(auto_pairing=False), hub.org(auto_pairing=False)
    for n in range(5):
        hub.asset(org, None, f"asset {n}")
    hub.asset(other, None, "elsewhere")

    names, before = [], None
    while True:
        page = hub.container.audit.list(AuditQuery(org, before=before), 2)
        names += [e.changes["name"][1] for e in page.items]
        if page.next_cursor is None:
            break
        before = int(page.next_cursor)

    assert names == [f"asset {n}" for n in reversed(range(5))]
    with pytest.raises(NotFound):
        hub.container.audit.list(AuditQuery("no-such-org"), 10)
