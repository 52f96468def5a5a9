"""One-time links: invitations to join an organization and password resets, made and followed."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import replace

from pairhub.domain.access import ActorType
from pairhub.domain.audit import Actor, AuditAction
from pairhub.domain.errors import Conflict, Invalid, NotFound
from pairhub.domain.people import (
    INVITATION_LIFETIME_MS,
    Invitation,
    LinkKind,
    MemberRole,
    Membership,
    Person,
    email_key,
)
from pairhub.ports import Clock, Storage
from pairhub.services import audit
from pairhub.services import organizations as orgs
from pairhub.services.auth import hash_key
from pairhub.services.pagination import CursorKind, Cursors, Page
from pairhub.services.passwords import verify_password
from pairhub.services.people import checked_email, checked_password, member_of, note_password_changed


class Invitations:
    """Use cases on one-time links: each shown once, stored hashed, spent when followed or withdrawn."""

    def __init__(self, storage: Storage, clock: Clock, cursors: Cursors) -> None:
        self._storage = storage
        self._clock = clock
        self._cursors = cursors

    def invite(
        self, organization_id: str, email: str, role: MemberRole, created_by: str
    ) -> tuple[Invitation, str]:
        """A one-time invitation link's record and token (the token is shown once, stored hashed)."""
        email = checked_email(email)
        token = secrets.token_urlsafe(32)
        now = self._clock.now_ms()
        invitation = Invitation(
            id=str(uuid.uuid4()),
            kind=LinkKind.INVITATION,
            organization_id=organization_id,
            email=email,
            role=role,
            token_hash=hash_key(token),
            created_by=created_by,
            created_at=now,
            expires_at=now + INVITATION_LIFETIME_MS,
        )
        with self._storage.write() as uow:
            orgs.require(uow, organization_id)
            person = uow.people.find_by_email(email_key(email))
            if person is not None and uow.memberships.get(person.id, organization_id) is not None:
                raise Conflict("member_exists", f"{email} is a member of this organization already.")
            uow.invitations.add(invitation)
            audit.note(
                uow,
                now,
                organization_id,
                AuditAction.MEMBER_INVITED,
                ("invitation", invitation.id),
                after={"email": email, "role": role.value},
            )
        return invitation, token

    def open_of(self, organization_id: str, after: str | None, limit: int) -> Page[Invitation]:
        """The organization's invitations that can still be accepted."""
        with self._storage.read() as uow:
            orgs.require(uow, organization_id)
            last = self._cursors.decode_id(CursorKind.INVITATIONS, organization_id, after)
            found = uow.invitations.open_of(organization_id, self._clock.now_ms(), last, limit + 1)
        return self._cursors.paginate_by_id(
            CursorKind.INVITATIONS, organization_id, found, limit, lambda invitation: invitation.id
        )

    def withdraw(self, organization_id: str, invitation_id: str) -> None:
        """Withdraw an invitation: its link no longer works."""
        now = self._clock.now_ms()
        with self._storage.write() as uow:
            invitation = uow.invitations.get(invitation_id)
            if (
                invitation is None
                or invitation.kind is not LinkKind.INVITATION  # a reset link is not withdrawn here
                or invitation.organization_id != organization_id
                or not invitation.open_at(now)
            ):
                raise NotFound("invitation_not_found", f"No open invitation {invitation_id}.")
            uow.invitations.mark_used(invitation_id, now)
            audit.note(
                uow,
                now,
                organization_id,
                AuditAction.MEMBER_INVITATION_WITHDRAWN,
                ("invitation", invitation_id),
                {"email": invitation.email, "role": invitation.role.value if invitation.role else None},
            )

    def accept(self, token: str, display_name: str, password: str) -> Person:
        """Follow an invitation link: the person is made (or found by email) and joins with the role."""
        now = self._clock.now_ms()
        with self._storage.write() as uow:
            invitation = uow.invitations.find(hash_key(token))
            if (
                invitation is None
                or invitation.kind is not LinkKind.INVITATION
                or not invitation.open_at(now)
            ):
                raise NotFound("invitation_not_found", "This invitation link is unknown, used or expired.")
            assert invitation.organization_id is not None and invitation.role is not None
            person = uow.people.find_by_email(email_key(invitation.email))
            if person is None:
                name = display_name.strip() or invitation.email
                person = Person(
                    str(uuid.uuid4()), invitation.email, name, checked_password(password), False, now
                )
                uow.people.add(person)
            elif not verify_password(person.password_hash, password):
                raise Invalid(
                    "wrong_password", "This email has an account: accept with that account's password."
                )
            if uow.memberships.get(person.id, invitation.organization_id) is None:
                uow.memberships.add(Membership(person.id, invitation.organization_id, invitation.role, now))
            uow.invitations.mark_used(invitation.id, now)
            with audit.acting_as(Actor(ActorType.PERSON, person.id, person.display_name)):
                audit.note(
                    uow,
                    now,
                    invitation.organization_id,
                    AuditAction.MEMBER_JOINED,
                    ("person", person.id),
                    after={"email": person.email, "role": invitation.role.value},
                )
        return person

    def reset_link(self, organization_id: str, person_id: str, created_by: str) -> tuple[Invitation, str]:
        """A one-time link for a member to set a new password (shown once, stored hashed)."""
        token = secrets.token_urlsafe(32)
        now = self._clock.now_ms()
        with self._storage.write() as uow:
            member_of(uow, organization_id, person_id)
            person = uow.people.get(person_id)
            assert person is not None, "a membership without its person"
            link = Invitation(
                id=str(uuid.uuid4()),
                kind=LinkKind.PASSWORD_RESET,
                organization_id=organization_id,
                email=person.email,
                role=None,
                token_hash=hash_key(token),
                created_by=created_by,
                created_at=now,
                expires_at=now + INVITATION_LIFETIME_MS,
            )
            uow.invitations.add(link)
            audit.note(
                uow,
                now,
                organization_id,
                AuditAction.MEMBER_RESET_LINK_CREATED,
                ("person", person_id),
                after={"email": person.email},
            )
        return link, token

    def reset_password(self, token: str, password: str) -> Person:
        """Follow a password-reset link: the new password is set and every session of the person ends."""
        hashed = checked_password(password)
        now = self._clock.now_ms()
        with self._storage.write() as uow:
            link = uow.invitations.find(hash_key(token))
            if link is None or link.kind is not LinkKind.PASSWORD_RESET or not link.open_at(now):
                raise NotFound("invitation_not_found", "This link is unknown, used or expired.")
            person = uow.people.find_by_email(email_key(link.email))
            if person is None:
                raise NotFound("invitation_not_found", "This link is unknown, used or expired.")
            uow.people.save(replace(person, password_hash=hashed))
            uow.invitations.mark_used(link.id, now)
            uow.sessions.delete_of_person(person.id)
            note_password_changed(uow, now, person, hashed)
        return person
