"""People across the instance (the platform admin): the directory, platform-admin rights, deletion."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pairhub.domain.audit import AuditAction
from pairhub.domain.errors import Conflict, NotFound
from pairhub.domain.people import Membership, Person
from pairhub.ports import Clock, Storage, UnitOfWork
from pairhub.services import audit
from pairhub.services.pagination import CursorKind, Cursors, Page
from pairhub.services.people import People


class Accounts:
    """Every person of the instance, whatever organization they belong to (the platform admin's)."""

    def __init__(self, storage: Storage, clock: Clock, cursors: Cursors) -> None:
        self._storage = storage
        self._clock = clock
        self._cursors = cursors

    def directory(self, search: str | None, after: str | None, limit: int) -> Page[Account]:
        """Everyone on the instance with their memberships, by email; `search` is any part of the email
        or the name, in any case (the platform admin's list)."""
        with self._storage.read() as uow:
            last = self._cursors.decode_id(CursorKind.PEOPLE, "", after)
            found = uow.people.search(search or None, last, limit + 1)
            memberships = uow.memberships.of_people([p.id for p in found[:limit]])
        held: dict[str, list[Membership]] = {}
        for membership in sorted(memberships, key=lambda m: m.organization_id):
            held.setdefault(membership.person_id, []).append(membership)
        accounts = [Account(person, tuple(held.get(person.id, ()))) for person in found]
        return self._cursors.paginate_by_id(
            CursorKind.PEOPLE, "", accounts, limit, lambda account: account.person.email_key
        )

    def account(self, person_id: str) -> Account:
        """One person with their memberships."""
        with self._storage.read() as uow:
            person = uow.people.get(person_id)
            if person is None:
                raise NotFound("person_not_found", f"No person {person_id}.")
            return Account(person, tuple(uow.memberships.of_person(person_id)))

    def set_platform_admin(self, person_id: str, platform_admin: bool) -> Account:
        """Grant or take a person's platform-admin rights; their sessions end when the rights change."""
        with self._storage.write() as uow:
            current = uow.people.get(person_id)
            if current is None:
                raise NotFound("person_not_found", f"No person {person_id}.")
            if current.platform_admin != platform_admin:
                if not platform_admin:
                    _keep_a_platform_admin(uow)
                uow.people.save(replace(current, platform_admin=platform_admin))
                uow.sessions.delete_of_person(person_id)
                audit.note(
                    uow,
                    self._clock.now_ms(),
                    audit.INSTANCE_LOG,
                    AuditAction.PERSON_UPDATED,
                    ("person", person_id),
                    {"email": current.email, "platformAdmin": current.platform_admin},
                    {"email": current.email, "platformAdmin": platform_admin},
                )
            held = tuple(uow.memberships.of_person(person_id))
        return Account(replace(current, platform_admin=platform_admin), held)

    def delete(self, person_id: str) -> None:
        """Delete a person's account with their memberships, sessions and open password-reset links.

        Refused for the last platform admin and for the last owner of an organization."""
        now = self._clock.now_ms()
        with self._storage.write() as uow:
            person = uow.people.get(person_id)
            if person is None:
                raise NotFound("person_not_found", f"No person {person_id}.")
            if person.platform_admin:
                _keep_a_platform_admin(uow)
            held = uow.memberships.of_person(person_id)
            for membership in held:
                People.keep_an_owner(uow, membership, None)
            for membership in held:
                uow.memberships.delete(person_id, membership.organization_id)
                # Each organization's own log says that its member's account is gone.
                audit.note(
                    uow,
                    now,
                    membership.organization_id,
                    AuditAction.PERSON_DELETED,
                    ("person", person_id),
                    {"email": person.email, "role": membership.role.value},
                )
            uow.sessions.delete_of_person(person_id)
            uow.invitations.spend_resets_of(person.email_key, now)
            uow.people.delete(person_id)
            audit.note(
                uow,
                now,
                audit.INSTANCE_LOG,
                AuditAction.PERSON_DELETED,
                ("person", person_id),
                {"email": person.email, "name": person.display_name, "platformAdmin": person.platform_admin},
            )


@dataclass(frozen=True)
class Account:
    """A person as the platform admin sees them: with every organization they belong to."""

    person: Person
    memberships: tuple[Membership, ...]


def _keep_a_platform_admin(uow: UnitOfWork) -> None:
    # Without a platform admin nobody could manage people across the instance from the console.
    if uow.people.platform_admin_count() <= 1:
        raise Conflict("last_platform_admin", "The instance keeps at least one platform admin.")
