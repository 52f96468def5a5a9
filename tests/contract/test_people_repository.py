"""The people repositories' instance-wide reads and deletion, the same on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from pairhub.domain.organizations import Organization
from pairhub.domain.people import Invitation, LinkKind, MemberRole, Membership, Person
from pairhub.ports import Storage


def _person(number: int, email: str, name: str, admin: bool = False) -> Person:
    return Person(f"p{number}", email, name, None, admin, number)


def _reset(link_id: str, email: str) -> Invitation:
    return Invitation(link_id, LinkKind.PASSWORD_RESET, None, email, None, f"hash-{link_id}", "x", 1, 10**12)


def test_people_are_searched_by_part_of_email_or_name_in_any_case_and_paged_by_email(
    storage: Storage,
) -> None:
    with storage.write() as uow:
        uow.people.add(_person(1, "Zed@North.example", "Zed"))
        uow.people.add(_person(2, "ada@south.example", "Ada NORTHCOTT"))
        uow.people.add(_person(3, "bob@east.example", "Bob 100%_sure"))

    with storage.read() as uow:
        everyone = [p.id for p in uow.people.search(None, None, 10)]
        north = [p.id for p in uow.people.search("north", None, 10)]
        after_ada = [p.id for p in uow.people.search(None, "ada@south.example", 1)]
        literal = [p.id for p in uow.people.search("0%_", None, 10)]
        wildcard = [p.id for p in uow.people.search("_", None, 10)]

    assert everyone == ["p2", "p3", "p1"]  # by lower-cased email
    assert north == ["p2", "p1"]
    assert after_ada == ["p3"]
    assert literal == ["p3"]
    assert wildcard == ["p3"]


def test_platform_admins_are_counted_and_a_deleted_person_is_gone_with_their_reset_links(
    storage: Storage, organization: Organization
) -> None:
    with storage.write() as uow:
        uow.people.add(_person(1, "root@example.com", "Root", admin=True))
        uow.people.add(_person(2, "Ada@Example.com", "Ada", admin=True))
        uow.memberships.add(Membership("p2", organization.id, MemberRole.OWNER, 1))
        uow.memberships.add(Membership("p1", organization.id, MemberRole.VIEWER, 1))
        uow.invitations.add(_reset("r1", "Ada@Example.com"))
        uow.invitations.add(_reset("r2", "root@example.com"))
    with storage.read() as uow:
        assert uow.people.platform_admin_count() == 2
        held = sorted((m.person_id, m.role) for m in uow.memberships.of_people(["p2"]))
        assert held == [("p2", MemberRole.OWNER)]

    with storage.write() as uow:
        uow.memberships.delete("p2", organization.id)
        uow.invitations.spend_resets_of("ada@example.com", 5)
        uow.people.delete("p2")

    with storage.read() as uow:
        assert uow.people.get("p2") is None
        assert uow.people.platform_admin_count() == 1
        assert [m.person_id for m in uow.memberships.of_people(["p1", "p2"])] == ["p1"]
        spent, kept = uow.invitations.get("r1"), uow.invitations.get("r2")
        assert spent is not None and spent.used_at == 5
        assert kept is not None and kept.used_at is None
