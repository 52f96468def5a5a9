"""Who may do what: one policy table of roles by actions, and the decision for a caller on an organization.

Every API operation and every UI form names one `Action`; `decide` is the only place that looks at roles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from pairhub.domain.organizations import KeyScope


class Role(StrEnum):
    """What a caller is in an organization (or on the whole instance)."""

    PLATFORM_ADMIN = "platformAdmin"
    OWNER = "owner"
    OPERATOR = "operator"
    VIEWER = "viewer"
    INGEST = "ingest"


class Action(StrEnum):
    """The operations the policy table decides."""

    PUBLIC = "public"
    """Health, docs, the event catalogue, the sign-in and invitation forms: anyone."""
    SIGNED_IN = "signedIn"
    """Pages and lists that only narrow to what the caller sees (their organizations, signing out)."""
    PLATFORM_MANAGE = "platform.manage"
    """Create, delete and list every organization, the Datahub flag, unknown units, people across orgs."""
    ORGANIZATION_READ = "organization.read"
    """Read everything of the organization (assets, units, pairings, events, subscriptions, feeds)."""
    AUTO_PAIRING_SWITCH = "organization.autoPairing"
    INVENTORY_WRITE = "inventory.write"
    """Create, change and delete assets and units."""
    PAIRING_WRITE = "pairing.write"
    SUBSCRIPTIONS_WRITE = "subscriptions.write"
    """Webhook subscriptions and Datahub feeds: create, change, pause, resume, rotate, test, redeliver."""
    FEED_POLL = "feed.poll"
    """Read a Datahub feed's next events (moves the feed's own position, nothing else)."""
    KEYS_MANAGE = "apiKeys.manage"
    MEMBERS_MANAGE = "members.manage"
    """Invite, change and remove people of the organization."""
    AUDIT_READ = "audit.read"
    UNIT_MESSAGES_POST = "unitMessages.post"


_ADMIN = Role.PLATFORM_ADMIN
_OWNERS = frozenset({_ADMIN, Role.OWNER})
_OPERATORS = _OWNERS | {Role.OPERATOR}
_READERS = _OPERATORS | {Role.VIEWER}

POLICY: Mapping[Action, frozenset[Role]] = {
    Action.PUBLIC: frozenset(Role),
    Action.SIGNED_IN: frozenset(Role) - {Role.INGEST},
    Action.PLATFORM_MANAGE: frozenset({_ADMIN}),
    Action.ORGANIZATION_READ: _READERS,
    Action.AUTO_PAIRING_SWITCH: _OPERATORS,
    Action.INVENTORY_WRITE: _OPERATORS,
    Action.PAIRING_WRITE: _OPERATORS,
    Action.SUBSCRIPTIONS_WRITE: _OPERATORS,
    Action.FEED_POLL: _READERS,
    Action.KEYS_MANAGE: _OWNERS,
    Action.MEMBERS_MANAGE: _OWNERS,
    Action.AUDIT_READ: _OWNERS,
    Action.UNIT_MESSAGES_POST: frozenset({_ADMIN, Role.INGEST}),
}
"""The one table: which roles may take each action."""

ORGANIZATION_ACTIONS = frozenset(POLICY) - {
    Action.PUBLIC,
    Action.SIGNED_IN,
    Action.PLATFORM_MANAGE,
    Action.UNIT_MESSAGES_POST,
}
"""Actions taken on one organization: the caller's role is their role in that organization."""

SCOPE_ROLES: Mapping[KeyScope, Role] = {
    KeyScope.FULL: Role.OPERATOR,
    KeyScope.READ: Role.VIEWER,
    KeyScope.INGEST: Role.INGEST,
}
"""What an organization API key is, by its scope."""


class ActorType(StrEnum):
    """Who a change is recorded as made by."""

    PERSON = "person"
    API_KEY = "apiKey"
    ADMIN = "admin"
    SYSTEM = "system"
    COMMAND_LINE = "commandLine"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a person, an API key, the admin token or the ingest token.

    `roles` maps organization ids to the caller's role there; `instance_role` applies everywhere
    (the platform admin) or where no organization is concerned (the ingest token).
    """

    actor_type: ActorType
    actor_id: str | None = None
    actor_name: str = ""
    roles: Mapping[str, Role] = field(default_factory=dict)
    instance_role: Role | None = None
    key_id: str | None = None
    person_id: str | None = None

    @property
    def is_admin(self) -> bool:
        """True for the admin token and platform admins."""
        return self.instance_role is Role.PLATFORM_ADMIN

    @property
    def organization_id(self) -> str | None:
        """The one organization an API key belongs to (None for others)."""
        if self.key_id is None or not self.roles:
            return None
        return next(iter(self.roles))

    def role_in(self, organization_id: str | None) -> Role | None:
        """The caller's role where the action happens (the instance role first)."""
        if self.instance_role is not None:
            return self.instance_role
        if organization_id is None:
            # Organization-free actions (a list of one's own organizations) count one's best role.
            return min(self.roles.values(), key=_RANK.index) if self.roles else None
        return self.roles.get(organization_id)


_RANK = [Role.PLATFORM_ADMIN, Role.OWNER, Role.OPERATOR, Role.VIEWER, Role.INGEST]

ADMIN = Principal(ActorType.ADMIN, actor_name="admin", instance_role=Role.PLATFORM_ADMIN)
INGEST = Principal(ActorType.SYSTEM, actor_name="ingest token", instance_role=Role.INGEST)


class Decision(Enum):
    """The answer of the policy: allowed, or why not (the edge picks the status)."""

    ALLOW = "allow"
    UNAUTHENTICATED = "unauthenticated"
    """No caller: 401 (the UI sends the browser to sign in)."""
    NOT_FOUND = "notFound"
    """Another organization's: answered exactly like one that does not exist, so callers cannot probe."""
    FORBIDDEN = "forbidden"


def allowed(role: Role | None, action: Action) -> bool:
    """True when the policy table lets `role` take `action`."""
    if action is Action.PUBLIC:
        return True
    return role is not None and role in POLICY[action]


def decide(principal: Principal | None, action: Action, organization_id: str | None) -> Decision:
    """May `principal` take `action` on `organization_id` (None for instance-wide actions)?"""
    if action is Action.PUBLIC:
        return Decision.ALLOW
    if principal is None:
        return Decision.UNAUTHENTICATED
    scoped = organization_id if action in ORGANIZATION_ACTIONS else None
    role = principal.role_in(scoped)
    if allowed(role, action):
        return Decision.ALLOW
    if scoped is not None and role is None and principal.instance_role is None:
        return Decision.NOT_FOUND
    return Decision.FORBIDDEN
