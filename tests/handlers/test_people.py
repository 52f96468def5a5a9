"""People on the in-memory storage: invitations, roles and the last owner, password change and reset.

Passwords are hashed with argon2id, the slow part: people are made without one where it does not matter.
"""

from __future__ import annotations

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.audit import AuditQuery
from pairhub.domain.errors import Conflict, Invalid, NotFound
from pairhub.domain.people import INVITATION_LIFETIME_MS, LinkKind, MemberRole
from pairhub.services.auth import hash_key
from tests.handlers.conftest import wired

PASSWORD = "correct horse battery staple"
NEWER = "a much newer password"


@pytest.fixture
def container(clock: ManualClock) -> Container:
    """The use cases on an empty in-memory storage."""
    return wired(clock)


@pytest.fixture
def org(container: Container) -> str:
    """An organization with one owner."""
    org_id = container.organizations.create("Fleet", False, True).id
    container.people.create("owner@example.com", "Owner", None, organization_id=org_id, role=MemberRole.OWNER)
    return org_id


def roles(container: Container, org: str) -> dict[str, MemberRole]:
    """The members' emails and roles."""
    members = container.people.members(org, None, 100).items
    return {m.person.email: m.membership.role for m in members}


def actions(container: Container, org: str) -> list[str]:
    """The organization's audit actions, oldest first."""
    entries = container.audit.list(AuditQuery(org), 100).items
    return [entry.action.value for entry in reversed(entries)]


def test_create_refuses_a_taken_email_in_any_case_and_bad_input(container: Container, org: str) -> None:
    refusals = []
    for email, password, organization in (
        ("OWNER@example.com ", None, None),
        ("not an email", None, None),
        ("new@example.com", "short", None),
        ("new@example.com", None, "no-such-org"),
    ):
        with pytest.raises((Conflict, Invalid, NotFound)) as refused:
            container.people.create(email, "x", password, organization_id=organization)
        refusals.append(refused.value.code)

    assert refusals == [
        "person_exists",
        "invalid_email",
        "password_too_weak",
        "organization_not_found",
    ]
    assert container.people.find_by_email("new@example.com") is None
    assert roles(container, org) == {"owner@example.com": MemberRole.OWNER}


def test_an_invitation_is_accepted_once_and_makes_the_person_a_member(container: Container, org: str) -> None:
    invitation, token = container.invitations.invite(org, "New@Example.com", MemberRole.OPERATOR, "Owner")
    assert invitation.token_hash == hash_key(token)
    assert invitation.expires_at == invitation.created_at + INVITATION_LIFETIME_MS
    assert [i.id for i in container.invitations.open_of(org, None, 10).items] == [invitation.id]

    person = container.invitations.accept(token, "  New Person ", PASSWORD)

    assert (person.email, person.display_name) == ("New@Example.com", "New Person")
    assert roles(container, org)["New@Example.com"] is MemberRole.OPERATOR
    assert container.people.check_password("new@example.com", PASSWORD) == person
    assert container.invitations.open_of(org, None, 10).items == []
    with pytest.raises(NotFound):
        container.invitations.accept(token, "Again", PASSWORD)
    assert actions(container, org)[-2:] == ["member.invited", "member.joined"]


def test_a_refused_acceptance_leaves_the_link_unspent(container: Container, org: str) -> None:
    _, token = container.invitations.invite(org, "new@example.com", MemberRole.VIEWER, "Owner")

    with pytest.raises(Invalid) as weak:
        container.invitations.accept(token, "New", "short")

    assert weak.value.code == "password_too_weak"
    assert container.people.find_by_email("new@example.com") is None
    assert container.invitations.accept(token, "New", PASSWORD).email == "new@example.com"


def test_an_invitation_expires_after_seven_days(container: Container, org: str, clock: ManualClock) -> None:
    _, late = container.invitations.invite(org, "late@example.com", MemberRole.VIEWER, "Owner")

    clock.advance(INVITATION_LIFETIME_MS / 1000)

    assert container.invitations.open_of(org, None, 10).items == []
    with pytest.raises(NotFound) as refused:
        container.invitations.accept(late, "Late", PASSWORD)
    assert refused.value.code == "invitation_not_found"


def test_a_withdrawn_invitation_no_longer_works(container: Container, org: str) -> None:
    other = container.organizations.create("Other", False, True).id
    invitation, token = container.invitations.invite(org, "new@example.com", MemberRole.VIEWER, "Owner")

    with pytest.raises(NotFound):
        container.invitations.withdraw(other, invitation.id)  # not another organization's to withdraw
    container.invitations.withdraw(org, invitation.id)

    with pytest.raises(NotFound):
        container.invitations.accept(token, "New", PASSWORD)
    with pytest.raises(NotFound):
        container.invitations.withdraw(org, invitation.id)
    assert actions(container, org)[-1] == "member.invitationWithdrawn"


def test_a_reset_link_is_not_withdrawn_as_an_invitation(container: Container, org: str) -> None:
    person = container.people.create("ada@example.com", "Ada", PASSWORD, organization_id=org)
    link, token = container.invitations.reset_link(org, person.id, created_by="Owner")

    with pytest.raises(NotFound) as refused:
        container.invitations.withdraw(org, link.id)

    assert refused.value.code == "invitation_not_found"
    assert "member.invitationWithdrawn" not in actions(container, org)
    container.invitations.reset_password(token, NEWER)  # the link still works


def test_members_are_not_invited_again_and_people_join_a_second_organization_with_their_password(
    container: Container, org: str
) -> None:
    with pytest.raises(Conflict) as member:
        container.invitations.invite(org, "OWNER@example.com", MemberRole.VIEWER, "Owner")
    assert member.value.code == "member_exists"
    other = container.organizations.create("Other", False, True).id
    existing = container.people.create("ada@example.com", "Ada", PASSWORD, organization_id=org)
    _, token = container.invitations.invite(other, "ada@example.com", MemberRole.OWNER, "Admin")

    with pytest.raises(Invalid) as wrong:
        container.invitations.accept(token, "Ada", "not her password at all")
    joined = container.invitations.accept(token, "Ignored", PASSWORD)

    assert wrong.value.code == "wrong_password"
    assert joined == existing
    assert {m.organization_id: m.role for m in container.people.organizations_of(existing.id)} == {
        org: MemberRole.VIEWER,
        other: MemberRole.OWNER,
    }


def test_an_organization_keeps_its_last_owner(container: Container, org: str) -> None:
    owner = container.people.find_by_email("owner@example.com")
    assert owner is not None

    with pytest.raises(Conflict) as demoted:
        container.people.change_role(org, owner.id, MemberRole.OPERATOR)
    with pytest.raises(Conflict) as removed:
        container.people.remove(org, owner.id)
    assert (demoted.value.code, removed.value.code) == ("last_owner", "last_owner")

    second = container.people.create("bob@example.com", "Bob", None, organization_id=org)
    container.people.change_role(org, second.id, MemberRole.OWNER)
    container.people.change_role(org, owner.id, MemberRole.VIEWER)
    assert roles(container, org) == {
        "owner@example.com": MemberRole.VIEWER,
        "bob@example.com": MemberRole.OWNER,
    }
    container.people.remove(org, owner.id)
    assert list(roles(container, org)) == ["bob@example.com"]
    with pytest.raises(NotFound):
        container.people.member(org, owner.id)


def test_members_are_listed_page_by_page(container: Container, org: str) -> None:
    for n in range(4):
        container.people.create(f"p{n}@example.com", f"P{n}", None, organization_id=org)

    seen, cursor = [], None
    while True:
        page = container.people.members(org, cursor, 2)
        seen += [m.person.id for m in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert len(seen) == 5 and seen == sorted(seen)
    with pytest.raises(Invalid):
        container.people.members(org, "not-a-cursor", 2)


def test_a_password_change_needs_the_current_password(container: Container, org: str) -> None:
    person = container.people.create("ada@example.com", "Ada", PASSWORD, organization_id=org)

    with pytest.raises(Invalid) as wrong:
        container.people.change_password(person.id, "not the password", NEWER, keep_token=None)
    assert wrong.value.code == "wrong_password"
    container.people.change_password(person.id, PASSWORD, NEWER, keep_token=None)

    assert container.people.check_password("ada@example.com", PASSWORD) is None
    assert container.people.check_password("ADA@example.com", NEWER) == container.people.get(person.id)
    [entry] = container.audit.list(AuditQuery(org, action="member.passwordChanged"), 10).items
    assert entry.changes == {"password": ("(changed)", "(changed)")}
    assert entry.actor.id == person.id


def test_a_reset_link_sets_a_new_password_once(container: Container, org: str) -> None:
    person = container.people.create("ada@example.com", "Ada", None, organization_id=org)
    link, token = container.invitations.reset_link(org, person.id, created_by="Owner")
    assert (link.kind, link.email, link.role) == (LinkKind.PASSWORD_RESET, "ada@example.com", None)

    with pytest.raises(NotFound):
        container.invitations.accept(token, "Ada", PASSWORD)  # a reset link is no invitation
    container.invitations.reset_password(token, NEWER)

    assert container.people.check_password("ada@example.com", NEWER) is not None
    with pytest.raises(NotFound):
        container.invitations.reset_password(token, "yet another password")
    _, invitation = container.invitations.invite(org, "new@example.com", MemberRole.VIEWER, "Owner")
    with pytest.raises(NotFound):
        container.invitations.reset_password(invitation, NEWER)  # and an invitation resets no password
    assert actions(container, org)[-3:-1] == ["member.passwordResetLinkCreated", "member.passwordChanged"]


def test_a_reset_link_is_only_made_for_a_member(container: Container, org: str) -> None:
    other = container.organizations.create("Other", False, True).id
    outsider = container.people.create("out@example.com", "Out", None, organization_id=other)

    with pytest.raises(NotFound) as refused:
        container.invitations.reset_link(org, outsider.id, created_by="Owner")

    assert refused.value.code == "member_not_found"


def test_no_password_signs_in_an_unknown_email_or_a_person_without_one(
    container: Container, org: str
) -> None:
    assert container.people.check_password("nobody@example.com", PASSWORD) is None
    assert container.people.check_password("owner@example.com", PASSWORD) is None
