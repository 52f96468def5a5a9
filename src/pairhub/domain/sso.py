"""Single sign-on rules: which organization and role an identity provider's person gets, and whose
email counts as verified."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pairhub.domain.people import MemberRole, email_key, email_problem

RANK = {MemberRole.VIEWER: 0, MemberRole.OPERATOR: 1, MemberRole.OWNER: 2}
"""Where two rules give one organization different roles, the stronger role wins."""


class MappingError(ValueError):
    """A mapping setting that cannot be read; the message says which entry and why."""


@dataclass(frozen=True)
class Grant:
    """An organization and the role in it."""

    organization_id: str
    role: MemberRole


@dataclass(frozen=True)
class SsoMapping:
    """Where a person who signs in for the first time belongs.

    `by_claim` maps values of the claim `claim` (a string or a list of strings, such as `groups`) to
    grants; `by_domain` maps the domain of the verified email. Every rule that matches grants its role;
    a person no rule matches is refused.
    """

    claim: str | None = None
    by_claim: Mapping[str, tuple[Grant, ...]] = field(default_factory=dict)
    by_domain: Mapping[str, tuple[Grant, ...]] = field(default_factory=dict)

    def grants(self, email: str, claims: Mapping[str, Any]) -> dict[str, MemberRole]:
        """The role in each organization the rules give this person (empty: no rule matches)."""
        matched: list[Grant] = []
        domain = email_key(email).rpartition("@")[2]
        matched.extend(self.by_domain.get(domain, ()))
        if self.claim is not None:
            for value in _claim_values(claims.get(self.claim)):
                matched.extend(self.by_claim.get(value, ()))
        roles: dict[str, MemberRole] = {}
        for grant in matched:
            current = roles.get(grant.organization_id)
            if current is None or RANK[grant.role] > RANK[current]:
                roles[grant.organization_id] = grant.role
        return roles

    @property
    def organization_ids(self) -> set[str]:
        """Every organization a rule names (checked to exist at sign-in)."""
        rules = [*self.by_claim.values(), *self.by_domain.values()]
        return {grant.organization_id for grants in rules for grant in grants}


def _claim_values(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


def parse_rules(text: str | None, what: str) -> dict[str, tuple[Grant, ...]]:
    """Rules written `value=ORG_ID:role`, comma-separated (`example.com=3f9a…:operator,…`)."""
    rules: dict[str, list[Grant]] = {}
    for entry in (part.strip() for part in (text or "").split(",")):
        if not entry:
            continue
        value, equals, target = entry.rpartition("=")
        organization_id, colon, role = target.rpartition(":")
        if not equals or not value.strip() or not colon or not organization_id.strip():
            raise MappingError(f"{entry!r} is not {what}=ORGANIZATION_ID:ROLE")
        if role.strip() not in {r.value for r in MemberRole}:
            raise MappingError(f"{entry!r}: the role is owner, operator or viewer")
        key = value.strip().lower() if what == "DOMAIN" else value.strip()
        rules.setdefault(key, []).append(Grant(organization_id.strip(), MemberRole(role.strip())))
    return {key: tuple(grants) for key, grants in rules.items()}


def verified_email(claims: Mapping[str, Any], trust_provider_emails: bool) -> str | None:
    """The person's email when the provider vouches for it, else None.

    `email_verified` must be true (the boolean, or the string "true" some providers send); a provider
    that sends no such claim (Microsoft Entra ID) is trusted only when the operator says so.
    """
    email = claims.get("email")
    if not isinstance(email, str) or email_problem(email) is not None:
        return None
    flag = claims.get("email_verified")
    if flag is True or (isinstance(flag, str) and flag.lower() == "true"):
        return email.strip()
    if flag is None and trust_provider_emails:
        return email.strip()
    return None


def display_name(claims: Mapping[str, Any], email: str) -> str:
    """The name a new person is shown by: the provider's `name`, else its parts, else the email."""
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:200]
    parts = [claims.get("given_name"), claims.get("family_name")]
    joined = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return joined[:200] or email
