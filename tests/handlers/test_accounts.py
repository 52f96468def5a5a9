"""People across the instance on the in-memory storage: the platform admin's directory, platform-admin
rights and deleting an account, each written to the instance's audit log."""

from __future__ import annotations

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.audit import AuditQuery
from pairhub.domain.errors import Conflict, Invalid, NotFound
from pairhub.domain.people import MemberRole, Membership, Person
from pairhub.services.audit import INSTANCE_LOG
from tests.handlers.conftest import wired


@pytest.fixture
def container(clock: ManualClock) -> Container:
    """The use cases on an empty in-memory storage."""
    return wired(clock)


def person(
    container: Container,
    email: str,
    name: str = "",
    *,
    org: str | None = None,
    role: MemberRole | None = None,
    platform_admin: bool = False,
) -> Person:
    """A person without a password (hashing one is the slow part), a member of `org` when given."""
    return container.people.create(
        email, name or email, None, platform_admin=platform_admin, organization_id=org, role=role
    )


def join(container: Container, person_id: str, org: str, role: MemberRole) -> None:
    """Make a person a member of a second organization, as an accepted invitation does."""
    with container.storage.write() as uow:
        uow.memberships.add(Membership(person_id, org, role, container.clock.now_ms()))


def test_the_directory_lists_everyone_with_their_memberships_by_email(container: Container) -> None:
    fleet = container.organizations.create("Fleet", False, True).id
    other = container.organizations.create("Other", False, True).id
    ada = person(container, "ada@example.com", "Ada Lovelace", org=fleet, role=MemberRole.OWNER)
    join(container, ada.id, other, MemberRole.VIEWER)
    person(container, "Bob@Example.com", "Bob")
    person(container, "carol@example.com", "Carol Ada", platform_admin=True)

    listed = container.accounts.directory(None, None, 10).items

    assert [a.person.email for a in listed] == ["ada@example.com", "Bob@Example.com", "carol@example.com"]
    assert sorted((m.organization_id, m.role) for m in listed[0].memberships) == sorted(
        [(fleet, MemberRole.OWNER), (other, MemberRole.VIEWER)]
    )
    assert listed[1].memberships == () and listed[2].person.platform_admin
    assert [a.person.email for a in container.accounts.directory("ADA", None, 10).items] == [
        "ada@example.com",
        "carol@example.com",
    ]
    one = container.accounts.account(ada.id)
    assert (one.person, set(one.memberships)) == (listed[0].person, set(listed[0].memberships))


def test_the_directory_pages_without_skipping_or_repeating(container: Container) -> None:
    for n in range(5):
        person(container, f"p{n}@example.com")

    seen, cursor = [], None
    while True:
        page = container.accounts.directory(None, cursor, 2)
        seen += [a.person.email for a in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == [f"p{n}@example.com" for n in range(5)]
    with pytest.raises(Invalid):
        container.accounts.directory(None, "forged", 2)


def test_rights_are_granted_and_taken_but_the_last_platform_admin_stays(container: Container) -> None:
    root = person(container, "root@example.com", platform_admin=True)
    ada = person(container, "ada@example.com")

    with pytest.raises(Conflict) as last:
        container.accounts.set_platform_admin(root.id, False)
    assert last.value.code == "last_platform_admin"
    assert container.accounts.set_platform_admin(ada.id, True).person.platform_admin
    assert not container.accounts.set_platform_admin(root.id, False).person.platform_admin
    assert container.accounts.set_platform_admin(root.id, False).person == container.people.get(root.id)

    entries = container.audit.list(AuditQuery(INSTANCE_LOG), 10).items
    assert [(e.action.value, e.target_id, e.changes) for e in entries] == [
        ("person.updated", root.id, {"platformAdmin": (True, False)}),
        ("person.updated", ada.id, {"platformAdmin": (False, True)}),
    ]
    with pytest.raises(NotFound):
        container.accounts.set_platform_admin("no-such-person", True)


def test_deleting_an_account_removes_its_memberships_sessions_and_reset_links(
    container: Container,
) -> None:
    fleet = container.organizations.create("Fleet", False, True).id
    other = container.organizations.create("Other", False, True).id
    person(container, "owner@example.com", org=fleet, role=MemberRole.OWNER)
    person(container, "boss@example.com", org=other, role=MemberRole.OWNER)
    ada = person(container, "ada@example.com", "Ada", org=fleet, role=MemberRole.OPERATOR)
    join(container, ada.id, other, MemberRole.VIEWER)
    session = container.sessions.start_person(ada.id)
    _, reset = container.invitations.reset_link(fleet, ada.id, created_by="owner")

    container.accounts.delete(ada.id)

    assert container.people.find_by_email("ada@example.com") is None
    assert container.people.organizations_of(ada.id) == []
    assert container.sessions.active(session) is None
    with pytest.raises(NotFound):
        container.invitations.reset_password(reset, "a password for nobody")
    for org, role in ((fleet, "operator"), (other, "viewer")):
        [entry] = container.audit.list(AuditQuery(org, action="person.deleted"), 10).items
        assert entry.changes == {"email": ("ada@example.com", None), "role": (role, None)}
    [instance] = container.audit.list(AuditQuery(INSTANCE_LOG, target_id=ada.id), 10).items
    assert instance.changes["name"] == ("Ada", None)
    with pytest.raises(NotFound):
        container.accounts.delete(ada.id)


def test_the_last_owner_and_the_last_platform_admin_are_not_deleted(container: Container) -> None:
    fleet = container.organizations.create("Fleet", False, True).id
    owner = person(container, "owner@example.com", org=fleet, role=MemberRole.OWNER)
    root = person(container, "root@example.com", platform_admin=True)

    with pytest.raises(Conflict) as last_owner:
        container.accounts.delete(owner.id)
    with pytest.raises(Conflict) as last_admin:
        container.accounts.delete(root.id)

    assert (last_owner.value.code, last_admin.value.code) == ("last_owner", "last_platform_admin")
    assert container.people.organizations_of(owner.id) != []  # nothing of the refused deletion stays done
    assert container.audit.list(AuditQuery(fleet, action="person.deleted"), 10).items == []
    person(container, "second@example.com", platform_admin=True)
    container.accounts.delete(root.id)
    assert not container.people.find_by_email("root@example.com")
