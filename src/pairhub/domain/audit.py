"""The audit log's records: who changed what in an organization, and the fields before and after."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pairhub.domain.access import ActorType

SECRET_FIELDS = frozenset({"secret", "previousSecret", "password", "key", "token", "headers", "clientSecret"})
"""Fields an entry never carries, whatever a caller passes: their change is recorded as `"(changed)"`."""


class AuditAction(StrEnum):
    """What was done, in the vocabulary of the API and the docs."""

    PAIRING_CREATED = "pairing.created"
    PAIRING_DELETED = "pairing.deleted"
    ASSET_CREATED = "asset.created"
    ASSET_UPDATED = "asset.updated"
    ASSET_DELETED = "asset.deleted"
    ASSET_IMPORTED = "asset.imported"
    UNIT_CREATED = "unit.created"
    UNIT_DELETED = "unit.deleted"
    ORGANIZATION_UPDATED = "organization.updated"
    SUBSCRIPTION_CREATED = "subscription.created"
    SUBSCRIPTION_UPDATED = "subscription.updated"
    SUBSCRIPTION_DELETED = "subscription.deleted"
    SUBSCRIPTION_PAUSED = "subscription.paused"
    SUBSCRIPTION_RESUMED = "subscription.resumed"
    SUBSCRIPTION_SECRET_ROTATED = "subscription.secretRotated"
    SUBSCRIPTION_REDELIVERED = "subscription.redelivered"
    SUBSCRIPTION_RECOVERED = "subscription.recovered"
    SUBSCRIPTION_TESTED = "subscription.tested"
    FEED_CREATED = "feed.created"
    FEED_PAUSED = "feed.paused"
    FEED_RESUMED = "feed.resumed"
    FEED_DELETED = "feed.deleted"
    API_KEY_CREATED = "apiKey.created"
    API_KEY_REVOKED = "apiKey.revoked"
    MEMBER_INVITED = "member.invited"
    MEMBER_JOINED = "member.joined"
    MEMBER_UPDATED = "member.updated"
    MEMBER_REMOVED = "member.removed"
    MEMBER_INVITATION_WITHDRAWN = "member.invitationWithdrawn"
    MEMBER_RESET_LINK_CREATED = "member.passwordResetLinkCreated"
    MEMBER_PASSWORD_CHANGED = "member.passwordChanged"
    PERSON_UPDATED = "person.updated"
    PERSON_DELETED = "person.deleted"


@dataclass(frozen=True)
class Actor:
    """Who made a change: a person, an API key (name, id), the admin token, the command line, the system."""

    type: ActorType
    id: str | None
    name: str


SYSTEM = Actor(ActorType.SYSTEM, None, "auto pairing")
COMMAND_LINE = Actor(ActorType.COMMAND_LINE, None, "command line")


@dataclass(frozen=True)
class AuditEntry:
    """One change; `changes` maps a field to its value before and after (None where it had none)."""

    organization_id: str
    at: int
    actor: Actor
    action: AuditAction
    target_type: str
    target_id: str
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the audit log; every one optional. `before` is the id the page continues below."""

    organization_id: str
    actor_id: str | None = None
    action: str | None = None
    target_id: str | None = None
    since: int | None = None
    until: int | None = None
    before: int | None = None


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields that differ, secrets masked: what an entry records of a change."""
    changed: dict[str, tuple[Any, Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changed[name] = ("(changed)", "(changed)") if name in SECRET_FIELDS else (old, new)
    return changed
