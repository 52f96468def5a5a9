"""UI sessions on the in-memory storage: held on the server, they end at sign-out, at their lifetime, and
when their ground goes (membership, role, password, platform-admin rights, the account, the admin token)."""

from __future__ import annotations

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.memory.uow import MemoryStorage
from pairhub.bootstrap import Container
from pairhub.domain.access import ADMIN, ActorType, Role
from pairhub.domain.people import MemberRole, Person
from pairhub.services.auth import SESSION_LIFETIME_S, hash_key
from tests.handlers.conftest import wired

PASSWORD = "correct horse battery staple"


@pytest.fixture
def container(clock: ManualClock) -> Container:
    """The use cases on an empty in-memory storage."""
    return wired(clock)


def member(
    container: Container, org: str, email: str, role: MemberRole, password: str | None = None
) -> Person:
    """A member of `org` (without a password unless given: hashing one is the slow part)."""
    return container.people.create(email, email.split("@")[0], password, organization_id=org, role=role)


def opens(container: Container, token: str) -> bool:
    return container.sessions.active(token) is not None


def test_a_session_signs_its_person_in_with_their_roles_until_sign_out(container: Container) -> None:
    org = container.organizations.create("Fleet", False, True).id
    person = member(container, org, "ada@example.com", MemberRole.OPERATOR)
    token = container.sessions.start_person(person.id)

    found = container.sessions.active(token)

    assert found is not None
    assert found.session.token_hash == hash_key(token) != token
    assert (found.principal.actor_type, found.principal.person_id) == (ActorType.PERSON, person.id)
    assert found.principal.roles == {org: Role.OPERATOR}
    container.sessions.end(token)
    assert not opens(container, token)


def test_a_session_lasts_its_lifetime_and_signing_in_sweeps_the_expired(
    container: Container, clock: ManualClock
) -> None:
    org = container.organizations.create("Fleet", False, True).id
    person = member(container, org, "ada@example.com", MemberRole.VIEWER)
    token = container.sessions.start_person(person.id)

    clock.advance(SESSION_LIFETIME_S - 0.001)
    assert opens(container, token)
    clock.advance(0.001)
    assert not opens(container, token)
    container.sessions.start_person(person.id)
    with container.storage.read() as uow:
        assert uow.sessions.find_active(hash_key(token), 0) is None  # gone, not only expired


def test_leaving_or_changing_role_ends_that_persons_sessions_only(container: Container) -> None:
    org = container.organizations.create("Fleet", False, True).id
    owner = member(container, org, "owner@example.com", MemberRole.OWNER)
    removed = member(container, org, "removed@example.com", MemberRole.OPERATOR)
    changed = member(container, org, "changed@example.com", MemberRole.VIEWER)
    tokens = {p.id: container.sessions.start_person(p.id) for p in (owner, removed, changed)}

    container.people.remove(org, removed.id)
    container.people.change_role(org, changed.id, MemberRole.OPERATOR)

    assert not opens(container, tokens[removed.id])
    assert not opens(container, tokens[changed.id])
    assert opens(container, tokens[owner.id])
    again = container.sessions.active(container.sessions.start_person(changed.id))
    assert again is not None and again.principal.roles == {org: Role.OPERATOR}
    outside = container.sessions.active(container.sessions.start_person(removed.id))
    assert outside is not None and outside.principal.roles == {}


def test_the_same_role_again_keeps_the_sessions(container: Container) -> None:
    org = container.organizations.create("Fleet", False, True).id
    person = member(container, org, "ada@example.com", MemberRole.VIEWER)
    token = container.sessions.start_person(person.id)

    container.people.change_role(org, person.id, MemberRole.VIEWER)

    assert opens(container, token)


def test_a_password_change_ends_the_other_sessions_and_a_reset_ends_all(container: Container) -> None:
    org = container.organizations.create("Fleet", False, True).id
    person = member(container, org, "ada@example.com", MemberRole.VIEWER, PASSWORD)
    here, elsewhere = container.sessions.start_person(person.id), container.sessions.start_person(person.id)

    container.people.change_password(person.id, PASSWORD, "a much newer password", keep_token=here)

    assert opens(container, here) and not opens(container, elsewhere)
    _, link = container.invitations.reset_link(org, person.id, created_by="admin")
    container.invitations.reset_password(link, "the newest password of all")
    assert not opens(container, here)


def test_sign_out_everywhere_keeps_only_the_session_named(container: Container) -> None:
    org = container.organizations.create("Fleet", False, True).id
    person = member(container, org, "ada@example.com", MemberRole.VIEWER)
    other = member(container, org, "bob@example.com", MemberRole.VIEWER)
    first, second = container.sessions.start_person(person.id), container.sessions.start_person(person.id)
    theirs = container.sessions.start_person(other.id)

    container.sessions.end_all_of(person.id, keep_token=second)
    assert (opens(container, first), opens(container, second), opens(container, theirs)) == (
        False,
        True,
        True,
    )
    container.sessions.end_all_of(person.id)
    assert not opens(container, second) and opens(container, theirs)


def test_platform_admin_rights_and_the_account_are_ground_of_a_session(container: Container) -> None:
    org = container.organizations.create("Fleet", False, True).id
    first = container.people.create("root@example.com", "Root", None, platform_admin=True)
    person = member(container, org, "ada@example.com", MemberRole.OWNER)
    second_owner = member(container, org, "bob@example.com", MemberRole.OWNER)
    root_token = container.sessions.start_person(first.id)
    token = container.sessions.start_person(person.id)
    deleted_token = container.sessions.start_person(second_owner.id)
    root = container.sessions.active(root_token)
    assert root is not None and root.principal.is_admin

    container.accounts.set_platform_admin(person.id, True)
    container.accounts.delete(second_owner.id)

    assert not opens(container, token)  # rights changed: sign in again to hold them
    promoted = container.sessions.active(container.sessions.start_person(person.id))
    assert promoted is not None and promoted.principal.is_admin
    assert not opens(container, deleted_token)
    assert opens(container, root_token)


def test_an_admin_session_ends_when_the_admin_token_is_rotated(clock: ManualClock) -> None:
    storage = MemoryStorage()
    before = wired(clock, storage)
    token = before.sessions.start_admin()
    found = before.sessions.active(token)
    assert found is not None and found.principal is ADMIN

    after = wired(clock, storage, admin_token="a-rotated-admin-token")

    assert after.sessions.active(token) is None
    assert before.sessions.active(token) is not None  # a process still on the old token
