"""People: accounts, memberships with roles, passwords and password sign-in (their one-time links are
`invitations.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace

from pairhub.domain.access import ActorType
from pairhub.domain.audit import Actor, AuditAction
from pairhub.domain.errors import Conflict, Invalid, NotFound
from pairhub.domain.people import (
    MemberRole,
    Membership,
    Person,
    email_key,
    email_problem,
    password_problem,
)
from pairhub.ports import Clock, Storage, UnitOfWork
from pairhub.services import audit
from pairhub.services import organizations as orgs
from pairhub.services.auth import hash_key
from pairhub.services.pagination import CursorKind, Cursors, Page
from pairhub.services.passwords import hash_password, verify_password


@dataclass(frozen=True)
class Member:
    """A person as one organization sees them."""

    person: Person
    membership: Membership


def checked_password(password: str) -> str:
    """The hash of a password strong enough; Invalid in words otherwise."""
    problem = password_problem(password)
    if problem is not None:
        raise Invalid("password_too_weak", problem)
    return hash_password(password)


def checked_email(email: str) -> str:
    """An email that reads as one, without surrounding spaces; Invalid in words otherwise."""
    problem = email_problem(email)
    if problem is not None:
        raise Invalid("invalid_email", problem)
    return email.strip()


def note_password_changed(uow: UnitOfWork, now: int, person: Person, hashed: str) -> None:
    """Audit a person's new password in each of their organizations."""
    # A password is the person's in every organization: each one's log shows that (never what) it changed.
    with audit.acting_as(Actor(ActorType.PERSON, person.id, person.display_name)):
        for membership in uow.memberships.of_person(person.id):
            audit.note(
                uow,
                now,
                membership.organization_id,
                AuditAction.MEMBER_PASSWORD_CHANGED,
                ("person", person.id),
                {"password": person.password_hash},
                {"password": hashed},
            )


def member_of(uow: UnitOfWork, organization_id: str, person_id: str) -> Membership:
    """A person's membership in the organization; NotFound when they are not a member."""
    membership = uow.memberships.get(person_id, organization_id)
    if membership is None:
        raise NotFound("member_not_found", f"No member {person_id} in this organization.")
    return membership


class People:
    """Use cases on people, their roles and their passwords."""

    def __init__(self, storage: Storage, clock: Clock, cursors: Cursors) -> None:
        self._storage = storage
        self._clock = clock
        self._cursors = cursors

    def create(
        self,
        email: str,
        display_name: str,
        password: str | None,
        *,
        platform_admin: bool = False,
        organization_id: str | None = None,
        role: MemberRole | None = None,
    ) -> Person:
        """A new person (optionally a platform admin, optionally a member of one organization)."""
        email = checked_email(email)
        hashed = None if password is None else checked_password(password)
        now = self._clock.now_ms()
        person = Person(str(uuid.uuid4()), email, display_name.strip() or email, hashed, platform_admin, now)
        with self._storage.write() as uow:
            if uow.people.find_by_email(email_key(email)) is not None:
                raise Conflict("person_exists", f"A person with the email {email} exists already.")
            if organization_id is not None:
                orgs.require(uow, organization_id)
            uow.people.add(person)
            if organization_id is not None:
                membership = Membership(person.id, organization_id, role or MemberRole.VIEWER, now)
                uow.memberships.add(membership)
                audit.note(
                    uow,
                    now,
                    organization_id,
                    AuditAction.MEMBER_JOINED,
                    ("person", person.id),
                    after={"email": email, "role": membership.role.value},
                )
        return person

    def has_platform_admin(self) -> bool:
        """True once a platform admin exists (the admin token then signs in to the API only)."""
        with self._storage.read() as uow:
            return uow.people.has_platform_admin()

    def check_password(self, email: str, password: str) -> Person | None:
        """The person when the password is theirs, else None (an unknown email costs the same time)."""
        with self._storage.read() as uow:
            person = uow.people.find_by_email(email_key(email))
        stored = None if person is None else person.password_hash
        if verify_password(stored, password) and person is not None:
            return person
        return None

    def find_by_email(self, email: str) -> Person | None:
        """The person with this email (compared without regard to case), or None."""
        with self._storage.read() as uow:
            return uow.people.find_by_email(email_key(email))

    def join_by_sso(self, email: str, display_name: str, grants: Mapping[str, MemberRole]) -> Person | None:
        """A person made on their first single sign-on, a member of the organizations granted that exist;
        None when none does (nobody is made). A person with this email already is returned as is."""
        now = self._clock.now_ms()
        with self._storage.write() as uow:
            existing = uow.people.find_by_email(email_key(email))
            if existing is not None:
                return existing  # signed in twice at once: the first one made them
            granted = {org: role for org, role in sorted(grants.items()) if uow.organizations.get(org)}
            if not granted:
                return None
            person = Person(str(uuid.uuid4()), email, display_name.strip() or email, None, False, now)
            uow.people.add(person)
            with audit.acting_as(Actor(ActorType.PERSON, person.id, person.display_name)):
                for organization_id, role in granted.items():
                    uow.memberships.add(Membership(person.id, organization_id, role, now))
                    audit.note(
                        uow,
                        now,
                        organization_id,
                        AuditAction.MEMBER_JOINED,
                        ("person", person.id),
                        after={"email": email, "role": role.value, "via": "sso"},
                    )
        return person

    def get(self, person_id: str) -> Person:
        """One person."""
        with self._storage.read() as uow:
            person = uow.people.get(person_id)
        if person is None:
            raise NotFound("member_not_found", f"No person {person_id}.")
        return person

    def organizations_of(self, person_id: str) -> list[Membership]:
        """The organizations a person belongs to, with their role there."""
        with self._storage.read() as uow:
            return uow.memberships.of_person(person_id)

    def members(self, organization_id: str, after: str | None, limit: int) -> Page[Member]:
        """The organization's people and roles, by person id (the cursor sealed like every list's)."""
        with self._storage.read() as uow:
            orgs.require(uow, organization_id)
            last = self._cursors.decode_id(CursorKind.MEMBERS, organization_id, after)
            found = uow.memberships.of_organization(organization_id, last, limit + 1)
            named = uow.people.named([m.person_id for m in found])
        members = [Member(named[m.person_id], m) for m in found if m.person_id in named]
        return self._cursors.paginate_by_id(
            CursorKind.MEMBERS, organization_id, members, limit, lambda member: member.person.id
        )

    def member(self, organization_id: str, person_id: str) -> Member:
        """One member of the organization."""
        with self._storage.read() as uow:
            membership = member_of(uow, organization_id, person_id)
            person = uow.people.get(person_id)
        assert person is not None, "a membership without its person"
        return Member(person, membership)

    def change_role(self, organization_id: str, person_id: str, role: MemberRole) -> Member:
        """Give a member another role; their sessions end (they sign in again under the new role)."""
        with self._storage.write() as uow:
            current = member_of(uow, organization_id, person_id)
            changed = replace(current, role=role)
            if changed != current:
                self.keep_an_owner(uow, current, role)
                uow.memberships.save(changed)
                uow.sessions.delete_of_person(person_id)
                audit.note(
                    uow,
                    self._clock.now_ms(),
                    organization_id,
                    AuditAction.MEMBER_UPDATED,
                    ("person", person_id),
                    {"role": current.role.value},
                    {"role": role.value},
                )
            person = uow.people.get(person_id)
        assert person is not None, "a membership without its person"
        return Member(person, changed)

    def remove(self, organization_id: str, person_id: str) -> None:
        """Take a person out of the organization; their sessions end."""
        with self._storage.write() as uow:
            current = member_of(uow, organization_id, person_id)
            self.keep_an_owner(uow, current, None)
            uow.memberships.delete(person_id, organization_id)
            uow.sessions.delete_of_person(person_id)
            audit.note(
                uow,
                self._clock.now_ms(),
                organization_id,
                AuditAction.MEMBER_REMOVED,
                ("person", person_id),
                {"role": current.role.value},
            )

    @staticmethod
    def keep_an_owner(uow: UnitOfWork, current: Membership, new_role: MemberRole | None) -> None:
        # An organization whose last owner leaves could no longer manage its people and keys.
        if current.role is not MemberRole.OWNER or new_role is MemberRole.OWNER:
            return
        owners = [
            m
            for m in uow.memberships.of_organization(current.organization_id, None, 10_000)
            if m.role is MemberRole.OWNER
        ]
        if len(owners) <= 1:
            raise Conflict("last_owner", "An organization keeps at least one owner.")

    def change_password(self, person_id: str, current: str, new: str, keep_token: str | None) -> None:
        """Set a new password; every other session of the person ends."""
        hashed = checked_password(new)
        with self._storage.write() as uow:
            person = uow.people.get(person_id)
            if person is None or not verify_password(person.password_hash, current):
                raise Invalid("wrong_password", "The current password is not right.")
            uow.people.save(replace(person, password_hash=hashed))
            uow.sessions.delete_of_person(person_id, hash_key(keep_token) if keep_token else None)
            note_password_changed(uow, self._clock.now_ms(), person, hashed)
