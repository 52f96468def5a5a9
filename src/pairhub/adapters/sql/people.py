"""People, their memberships and their one-time links on SQL."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update

from pairhub.adapters.sql.search import contains
from pairhub.adapters.sql.tables import invitations, memberships, people
from pairhub.domain.people import Invitation, LinkKind, MemberRole, Membership, Person


def _person(row: RowMapping) -> Person:
    return Person(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        password_hash=row["password_hash"],
        platform_admin=bool(row["platform_admin"]),
        created_at=row["created_at"],
    )


def _membership(row: RowMapping) -> Membership:
    return Membership(row["person_id"], row["organization_id"], MemberRole(row["role"]), row["created_at"])


def _values(person: Person) -> dict[str, object]:
    return {
        "id": person.id,
        "email": person.email,
        "email_key": person.email_key,
        "display_name": person.display_name,
        "password_hash": person.password_hash,
        "platform_admin": person.platform_admin,
        "created_at": person.created_at,
    }


class SqlPeople:
    """The people table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, person: Person) -> None:
        """Insert a new person."""
        self._connection.execute(insert(people), _values(person))

    def get(self, person_id: str) -> Person | None:
        """One person, or None."""
        row = self._connection.execute(select(people).where(people.c.id == person_id)).mappings().first()
        return None if row is None else _person(row)

    def find_by_email(self, email_key: str) -> Person | None:
        """The person with this (lower-cased) email, or None."""
        query = select(people).where(people.c.email_key == email_key)
        row = self._connection.execute(query).mappings().first()
        return None if row is None else _person(row)

    def save(self, person: Person) -> None:
        """Write back a changed person."""
        values = _values(person)
        self._connection.execute(update(people).where(people.c.id == values.pop("id")).values(**values))

    def has_platform_admin(self) -> bool:
        """True once any platform admin exists."""
        query = select(people.c.id).where(people.c.platform_admin.is_(True)).limit(1)
        return self._connection.execute(query).first() is not None

    def named(self, person_ids: list[str]) -> dict[str, Person]:
        """The people with these ids."""
        if not person_ids:
            return {}
        query = select(people).where(people.c.id.in_(person_ids))
        return {row["id"]: _person(row) for row in self._connection.execute(query).mappings()}

    def search(self, part: str | None, after: str | None, limit: int) -> list[Person]:
        """People whose email or name holds `part` (any case; None: everyone), by email after `after`."""
        p = people.c
        query = select(people).order_by(p.email_key).limit(limit)
        if part:
            query = query.where(contains(p.email, part) | contains(p.display_name, part))
        if after is not None:
            query = query.where(p.email_key > after)
        return [_person(row) for row in self._connection.execute(query).mappings()]

    def platform_admin_count(self) -> int:
        """How many people are platform admins."""
        query = select(func.count()).select_from(people).where(people.c.platform_admin.is_(True))
        return int(self._connection.execute(query).scalar_one())

    def delete(self, person_id: str) -> None:
        """Forget a person (their memberships are gone first)."""
        self._connection.execute(delete(people).where(people.c.id == person_id))


class SqlMemberships:
    """The memberships table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, membership: Membership) -> None:
        """Insert a new membership."""
        self._connection.execute(
            insert(memberships),
            {
                "person_id": membership.person_id,
                "organization_id": membership.organization_id,
                "role": membership.role.value,
                "created_at": membership.created_at,
            },
        )

    def get(self, person_id: str, organization_id: str) -> Membership | None:
        """A person's membership in an organization, or None."""
        m = memberships.c
        query = select(memberships).where(m.person_id == person_id, m.organization_id == organization_id)
        row = self._connection.execute(query).mappings().first()
        return None if row is None else _membership(row)

    def save(self, membership: Membership) -> None:
        """Write back a changed role."""
        m = memberships.c
        self._connection.execute(
            update(memberships)
            .where(m.person_id == membership.person_id, m.organization_id == membership.organization_id)
            .values(role=membership.role.value)
        )

    def delete(self, person_id: str, organization_id: str) -> None:
        """Remove a person from an organization."""
        m = memberships.c
        self._connection.execute(
            delete(memberships).where(m.person_id == person_id, m.organization_id == organization_id)
        )

    def of_person(self, person_id: str) -> list[Membership]:
        """Every organization a person belongs to."""
        query = select(memberships).where(memberships.c.person_id == person_id)
        return [_membership(row) for row in self._connection.execute(query).mappings()]

    def of_organization(self, organization_id: str, after: str | None, limit: int) -> list[Membership]:
        """The organization's members by person id after `after`."""
        m = memberships.c
        query = select(memberships).where(m.organization_id == organization_id).order_by(m.person_id)
        if after:
            query = query.where(m.person_id > after)
        return [_membership(row) for row in self._connection.execute(query.limit(limit)).mappings()]

    def of_people(self, person_ids: list[str]) -> list[Membership]:
        """The memberships of these people."""
        if not person_ids:
            return []
        query = select(memberships).where(memberships.c.person_id.in_(person_ids))
        return [_membership(row) for row in self._connection.execute(query).mappings()]


def _invitation(row: RowMapping) -> Invitation:
    return Invitation(
        **{
            **row,
            "kind": LinkKind(row["kind"]),
            "role": None if row["role"] is None else MemberRole(row["role"]),
        }
    )


class SqlInvitations:
    """The invitations table (invitations and password resets)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, invitation: Invitation) -> None:
        """Insert a new link."""
        values = asdict(invitation)
        values["kind"] = invitation.kind.value
        values["role"] = None if invitation.role is None else invitation.role.value
        self._connection.execute(insert(invitations), values)

    def get(self, invitation_id: str) -> Invitation | None:
        """One link by id, or None."""
        query = select(invitations).where(invitations.c.id == invitation_id)
        row = self._connection.execute(query).mappings().first()
        return None if row is None else _invitation(row)

    def find(self, token_hash: str) -> Invitation | None:
        """The link with this token hash, or None."""
        query = select(invitations).where(invitations.c.token_hash == token_hash)
        row = self._connection.execute(query).mappings().first()
        return None if row is None else _invitation(row)

    def mark_used(self, invitation_id: str, used_at: int) -> None:
        """Spend a link (accepted or withdrawn)."""
        self._connection.execute(
            update(invitations).where(invitations.c.id == invitation_id).values(used_at=used_at)
        )

    def open_of(self, organization_id: str, now: int, after: str | None, limit: int) -> list[Invitation]:
        """The organization's invitations that can still be accepted, by id after `after`."""
        i = invitations.c
        query = (
            select(invitations)
            .where(i.organization_id == organization_id, i.used_at.is_(None), i.expires_at > now)
            .where(i.kind == LinkKind.INVITATION.value)
            .order_by(i.id)
            .limit(limit)
        )
        if after:
            query = query.where(i.id > after)
        return [_invitation(row) for row in self._connection.execute(query).mappings()]

    def spend_resets_of(self, email_key: str, used_at: int) -> None:
        """Spend the open password-reset links of this (lower-cased) email."""
        i = invitations.c
        self._connection.execute(
            update(invitations)
            .where(i.kind == LinkKind.PASSWORD_RESET.value, i.used_at.is_(None))
            .where(func.lower(i.email) == email_key)
            .values(used_at=used_at)
        )
