"""People, their one-time links (invitations, password resets) and their memberships."""

from __future__ import annotations

from typing import Protocol

from pairhub.domain.people import Invitation, Membership, Person


class PersonRepository(Protocol):
    """People, unique by lower-cased email."""

    def add(self, person: Person) -> None:
        """Insert a new person."""
        ...

    def get(self, person_id: str) -> Person | None:
        """One person, or None."""
        ...

    def find_by_email(self, email_key: str) -> Person | None:
        """The person with this (lower-cased) email, or None."""
        ...

    def save(self, person: Person) -> None:
        """Write back a changed person."""
        ...

    def has_platform_admin(self) -> bool:
        """True once any platform admin exists."""
        ...

    def named(self, person_ids: list[str]) -> dict[str, Person]:
        """The people with these ids."""
        ...

    def search(self, part: str | None, after: str | None, limit: int) -> list[Person]:
        """People whose email or name holds `part` (any case; None: everyone), by email after `after`."""
        ...

    def platform_admin_count(self) -> int:
        """How many people are platform admins."""
        ...

    def delete(self, person_id: str) -> None:
        """Forget a person (their memberships are gone first)."""
        ...


class InvitationRepository(Protocol):
    """One-time links: invitations and password resets."""

    def add(self, invitation: Invitation) -> None:
        """Insert a new link."""
        ...

    def get(self, invitation_id: str) -> Invitation | None:
        """One link by id, or None."""
        ...

    def find(self, token_hash: str) -> Invitation | None:
        """The link with this token hash, or None."""
        ...

    def mark_used(self, invitation_id: str, used_at: int) -> None:
        """Spend a link (accepted or withdrawn)."""
        ...

    def open_of(self, organization_id: str, now: int, after: str | None, limit: int) -> list[Invitation]:
        """The organization's invitations that can still be accepted, by id after `after`."""
        ...

    def spend_resets_of(self, email_key: str, used_at: int) -> None:
        """Spend the open password-reset links of this (lower-cased) email."""
        ...


class MembershipRepository(Protocol):
    """People's roles in organizations."""

    def add(self, membership: Membership) -> None:
        """Insert a new membership."""
        ...

    def get(self, person_id: str, organization_id: str) -> Membership | None:
        """A person's membership in an organization, or None."""
        ...

    def save(self, membership: Membership) -> None:
        """Write back a changed role."""
        ...

    def delete(self, person_id: str, organization_id: str) -> None:
        """Remove a person from an organization."""
        ...

    def of_person(self, person_id: str) -> list[Membership]:
        """Every organization a person belongs to."""
        ...

    def of_organization(self, organization_id: str, after: str | None, limit: int) -> list[Membership]:
        """The organization's members by person id after `after`."""
        ...

    def of_people(self, person_ids: list[str]) -> list[Membership]:
        """The memberships of these people."""
        ...
