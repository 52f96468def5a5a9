"""Organizations and their API keys on the in-memory storage: create, read, list, change, keys made,
listed and revoked, each change in the audit log."""

from __future__ import annotations

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.audit import AuditQuery
from pairhub.domain.errors import Invalid, NotFound
from pairhub.domain.organizations import KeyScope
from tests.handlers.conftest import wired


@pytest.fixture
def container(clock: ManualClock) -> Container:
    """The use cases on an empty in-memory storage."""
    return wired(clock)


def test_an_organization_is_created_read_and_listed(container: Container, clock: ManualClock) -> None:
    made = container.organizations.create("Fleet", True, False)

    assert (made.name, made.auto_pairing_enabled, made.datahub_subscription_active) == ("Fleet", True, False)
    assert made.created_at == clock.now_ms()
    assert container.organizations.get(made.id) == made
    with pytest.raises(NotFound) as missing:
        container.organizations.get("no-such-org")
    assert missing.value.code == "organization_not_found"


def test_the_list_pages_by_id_and_narrows_to_one(container: Container) -> None:
    ids = sorted(container.organizations.create(f"Org {n}", False, True).id for n in range(5))

    seen, cursor = [], None
    while True:
        page = container.organizations.list(None, cursor, 2)
        seen += [org.id for org in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == ids
    assert [org.id for org in container.organizations.list(ids[3], None, 10).items] == [ids[3]]
    with pytest.raises(Invalid):
        container.organizations.list(None, ids[0], 10)  # a raw id is not a cursor


def test_a_change_is_saved_and_recorded_with_before_and_after(container: Container) -> None:
    org = container.organizations.create("Fleet", False, True).id

    changed = container.organizations.update(org, name="Fleet Ltd", datahub_subscription_active=False)
    container.organizations.update(org, name="Fleet Ltd")  # no change: no entry

    assert (changed.name, changed.auto_pairing_enabled, changed.datahub_subscription_active) == (
        "Fleet Ltd",
        False,
        False,
    )
    assert container.organizations.get(org) == changed
    [entry] = container.audit.list(AuditQuery(org), 10).items
    assert (entry.action.value, entry.target_type, entry.target_id) == (
        "organization.updated",
        "organization",
        org,
    )
    assert entry.changes == {"datahubSubscriptionActive": (True, False), "name": ("Fleet", "Fleet Ltd")}
    with pytest.raises(NotFound):
        container.organizations.update("no-such-org", name="x")


def test_keys_are_made_with_name_scope_expiry_and_maker_and_listed_unrevoked(
    container: Container, clock: ManualClock
) -> None:
    org = container.organizations.create("Fleet", False, True).id
    other = container.organizations.create("Other", False, True).id
    expiry = clock.now_ms() + 86_400_000
    read, clear = container.organizations.create_api_key(
        org, name="dashboard", scope=KeyScope.READ, expires_at=expiry, created_by="Ada"
    )
    full, _ = container.organizations.create_api_key(org, name="gateway")
    container.organizations.create_api_key(other, name="theirs")

    assert (read.name, read.scope, read.expires_at, read.created_by) == (
        "dashboard",
        KeyScope.READ,
        expiry,
        "Ada",
    )
    assert (full.scope, full.expires_at, full.created_by) == (KeyScope.FULL, None, None)
    assert read.created_at == clock.now_ms() and read.prefix == clear[:12]
    assert {k.id for k in container.organizations.api_keys(org, None, 10).items} == {read.id, full.id}
    [created, _] = container.audit.list(AuditQuery(org, action="apiKey.created"), 10).items
    assert created.changes == {
        "name": (None, "gateway"),
        "prefix": (None, full.prefix),
        "scope": (None, "full"),
    }


def test_a_key_cannot_expire_in_the_past_nor_belong_to_no_organization(
    container: Container, clock: ManualClock
) -> None:
    org = container.organizations.create("Fleet", False, True).id

    with pytest.raises(Invalid) as past:
        container.organizations.create_api_key(org, expires_at=clock.now_ms())
    with pytest.raises(NotFound):
        container.organizations.create_api_key("no-such-org")

    assert past.value.code == "expiry_in_the_past"
    assert container.organizations.api_keys(org, None, 10).items == []


def test_a_revoked_key_leaves_the_list_and_is_revoked_once(container: Container) -> None:
    org = container.organizations.create("Fleet", False, True).id
    other = container.organizations.create("Other", False, True).id
    key, _ = container.organizations.create_api_key(org, name="leaked", scope=KeyScope.READ)

    with pytest.raises(NotFound):
        container.organizations.revoke_api_key(other, key.id)  # not another organization's to revoke
    container.organizations.revoke_api_key(org, key.id)

    assert container.organizations.api_keys(org, None, 10).items == []
    with pytest.raises(NotFound) as again:
        container.organizations.revoke_api_key(org, key.id)
    assert again.value.code == "api_key_not_found"
    [revoked] = container.audit.list(AuditQuery(org, action="apiKey.revoked"), 10).items
    assert (revoked.target_id, revoked.changes) == (
        key.id,
        {"name": ("leaked", None), "scope": ("read", None)},
    )
