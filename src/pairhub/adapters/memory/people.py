"""People and their memberships in memory."""

from __future__ import annotations

from dataclasses import replace

from pairhub.adapters.memory.state import MemoryState
from pairhub.domain.people import Invitation, LinkKind, Membership, Person


class MemoryPeople:
    """People by id."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> dict[str, Person]:
        return self._state.table("people", dict)

    def add(self, person: Person) -> None:
        """Insert a new person; a second person with the same email is refused as the unique index does."""
        if self.find_by_email(person.email_key) is not None:
            raise ValueError(f"duplicate email {person.email_key}")
        self._rows[person.id] = person

    def get(self, person_id: str) -> Person | None:
        """One person, or None."""
        return self._rows.get(person_id)

    def find_by_email(self, email_key: str) -> Person | None:
        """The person with this (lower-cased) email, or None."""
        return next((p for p in self._rows.values() if p.email_key == email_key), None)

    def save(self, person: Person) -> None:
        """Write back a changed person."""
        self._rows[person.id] = person

    def has_platform_admin(self) -> bool:
        """True once any platform admin exists."""
        return any(p.platform_admin for p in self._rows.values())

    def named(self, person_ids: list[str]) -> dict[str, Person]:
        """The people with these ids."""
        return {pid: self._rows[pid] for pid in person_ids if pid in self._rows}

    def search(self, part: str | None, after: str | None, limit: int) -> list[Person]:
        """People whose email or name holds `part` (any case; None: everyone), by email after `after`."""
        wanted = (part or "").lower()
        found = sorted(
            (p for p in self._rows.values() if wanted in p.email.lower() or wanted in p.display_name.lower()),
            key=lambda p: p.email_key,
        )
        return [p for p in found if after is None or p.email_key > after][:limit]

    def platform_admin_count(self) -> int:
        """How many people are platform admins."""
        return sum(p.platform_admin for p in self._rows.values())

    def delete(self, person_id: str) -> None:
        """Forget a person (their memberships are gone first)."""
        self._rows.pop(person_id, None)


class MemoryMemberships:
    """Memberships by (person, organization)."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> dict[tuple[str, str], Membership]:
        return self._state.table("memberships", dict)

    def add(self, membership: Membership) -> None:
        """Insert a new membership."""
        self._rows[(membership.person_id, membership.organization_id)] = membership

    def get(self, person_id: str, organization_id: str) -> Membership | None:
        """A person's membership in an organization, or None."""
        return self._rows.get((person_id, organization_id))

    def save(self, membership: Membership) -> None:
        """Write back a changed role."""
        self._rows[(membership.person_id, membership.organization_id)] = membership

    def delete(self, person_id: str, organization_id: str) -> None:
        """Remove a person from an organization."""
        self._rows.pop((person_id, organization_id), None)

    def of_person(self, person_id: str) -> list[Membership]:
        """Every organization a person belongs to."""
        return [m for (pid, _), m in self._rows.items() if pid == person_id]

    def of_organization(self, organization_id: str, after: str | None, limit: int) -> list[Membership]:
        """The organization's members by person id after `after`."""
        found = sorted(
            (m for m in self._rows.values() if m.organization_id == organization_id),
            key=lambda m: m.person_id,
        )
        return [m for m in found if not after or m.person_id > after][:limit]

    def of_people(self, person_ids: list[str]) -> list[Membership]:
        """The memberships of these people."""
        wanted = set(person_ids)
        return [m for (pid, _), m in self._rows.items() if pid in wanted]


class MemoryInvitations:
    """One-time links by id."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _rows(self) -> dict[str, Invitation]:
        return self._state.table("invitations", dict)

    def add(self, invitation: Invitation) -> None:
        """Insert a new link."""
        self._rows[invitation.id] = invitation

    def get(self, invitation_id: str) -> Invitation | None:
        """One link by id, or None."""
        return self._rows.get(invitation_id)

    def find(self, token_hash: str) -> Invitation | None:
        """The link with this token hash, or None."""
        return next((i for i in self._rows.values() if i.token_hash == token_hash), None)

    def mark_used(self, invitation_id: str, used_at: int) -> None:
        """Spend a link (accepted or withdrawn)."""
        self._rows[invitation_id] = replace(self._rows[invitation_id], used_at=used_at)

    def open_of(self, organization_id: str, now: int, after: str | None, limit: int) -> list[Invitation]:
        """The organization's invitations that can still be accepted, by id after `after`."""
        found = sorted(
            (
                i
                for i in self._rows.values()
                if i.organization_id == organization_id and i.kind is LinkKind.INVITATION and i.open_at(now)
            ),
            key=lambda i: i.id,
        )
        return [i for i in found if not after or i.id > after][:limit]

    def spend_resets_of(self, email_key: str, used_at: int) -> None:
        """Spend the open password-reset links of this (lower-cased) email."""
        for link in list(self._rows.values()):
            open_reset = link.kind is LinkKind.PASSWORD_RESET and link.used_at is None
            if open_reset and link.email.lower() == email_key:
                self._rows[link.id] = replace(link, used_at=used_at)
