"""Finishing a single sign-on on the in-memory storage, with a provider that answers what the test says."""

from __future__ import annotations

from typing import Any

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.domain.audit import AuditQuery
from pairhub.domain.errors import Forbidden, Invalid
from pairhub.domain.people import MemberRole
from pairhub.domain.sso import Grant, SsoMapping
from pairhub.ports import IdentityProviderError
from pairhub.services.sso import SingleSignOn, SsoUnavailable
from tests.handlers.conftest import wired

REDIRECT = "https://pairhub.example/ui/sign-in/oidc/callback"


class Provider:
    """An identity provider that signs in whoever the test names, and remembers what it was asked."""

    def __init__(self) -> None:
        self.claims_of: dict[str, Any] = {}
        self.asked: list[tuple[str, ...]] = []
        self.down = False

    def authorization_url(self, redirect_uri: str, state: str, nonce: str, code_verifier: str) -> str:
        """A URL that carries what it was given."""
        if self.down:
            raise IdentityProviderError("The identity provider cannot be reached right now.")
        return f"https://id.example/auth?state={state}&nonce={nonce}&redirect_uri={redirect_uri}"

    def claims(self, redirect_uri: str, code: str, code_verifier: str, nonce: str) -> dict[str, Any]:
        """The claims of the person the test named."""
        self.asked.append((redirect_uri, code, code_verifier, nonce))
        if self.down:
            raise IdentityProviderError("The identity provider did not confirm this sign-in: start again.")
        return dict(self.claims_of)


@pytest.fixture
def setup(clock: ManualClock) -> tuple[Any, SingleSignOn, Provider, str, str]:
    container = wired(clock)
    fleet = container.organizations.create("Fleet", False, False).id
    partners = container.organizations.create("Partners", False, False).id
    mapping = SsoMapping(
        "groups",
        {
            "fleet-owners": (Grant(fleet, MemberRole.OWNER),),
            "gone": (Grant("no-such-org", MemberRole.OWNER),),
        },
        {"fleet.example": (Grant(fleet, MemberRole.OPERATOR),)},
    )
    provider = Provider()
    sso = SingleSignOn(provider, container.people, clock, mapping, name="Fleet ID")
    return container, sso, provider, fleet, partners


def _sign_in(sso: SingleSignOn, provider: Provider, **claims: Any) -> Any:
    provider.claims_of = {"sub": "s-1", "email_verified": True, **claims}
    url, attempt = sso.begin(REDIRECT)
    assert f"state={attempt.state}" in url and f"nonce={attempt.nonce}" in url
    return sso.finish(attempt, attempt.state, "the-code", REDIRECT)


def test_a_first_sign_in_makes_the_person_where_the_rules_say(setup: Any) -> None:
    container, sso, provider, fleet, partners = setup

    person = _sign_in(
        sso, provider, email="Grace@Fleet.example", name="Grace Hopper", groups=["fleet-owners"]
    )

    assert (person.email, person.display_name, person.password_hash) == (
        "Grace@Fleet.example",
        "Grace Hopper",
        None,
    )
    memberships = container.people.organizations_of(person.id)
    assert [(m.organization_id, m.role) for m in memberships] == [(fleet, MemberRole.OWNER)]
    [entry] = container.audit.list(AuditQuery(fleet, action="member.joined"), 10).items
    assert (entry.actor.id, entry.changes["via"]) == (person.id, (None, "sso"))
    # The verifier and nonce of this attempt went to the provider, with the same redirect URI.
    [(redirect, code, verifier, _)] = provider.asked
    assert (redirect, code, len(verifier) >= 43) == (REDIRECT, "the-code", True)

    # The next sign-in finds the same person, whatever the case of the email.
    again = _sign_in(sso, provider, email="grace@fleet.example", groups=[])
    assert again.id == person.id
    assert container.people.members(partners, None, 10).items == []


def test_a_person_who_exists_is_matched_even_where_no_rule_applies(setup: Any) -> None:
    container, sso, provider, _, partners = setup
    made = container.people.create("linus@partner.example", "Linus", None, organization_id=partners)

    assert _sign_in(sso, provider, email="LINUS@partner.example").id == made.id


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"email": "eve@fleet.example", "email_verified": False}, "sso_email_unverified"),
        ({"email": "eve@fleet.example", "email_verified": None}, "sso_email_unverified"),
        ({"email": "mallory@elsewhere.example", "groups": ["other"]}, "sso_not_mapped"),
        # A rule naming an organization that no longer exists places nobody.
        ({"email": "mallory@elsewhere.example", "groups": ["gone"]}, "sso_not_mapped"),
    ],
)
def test_unverified_or_unmapped_people_are_refused_and_nobody_is_made(
    setup: Any, claims: dict[str, Any], code: str
) -> None:
    container, sso, provider, _, _ = setup

    with pytest.raises(Forbidden) as refused:
        _sign_in(sso, provider, **claims)

    assert refused.value.code == code
    assert container.people.find_by_email(claims["email"]) is None


def test_a_stale_forged_or_late_attempt_is_refused_before_the_provider_is_asked(
    setup: Any, clock: ManualClock
) -> None:
    _, sso, provider, _, _ = setup
    _, attempt = sso.begin(REDIRECT)

    for kept, state, code in [
        (None, attempt.state, "c"),
        (attempt, "forged", "c"),
        (attempt, attempt.state, ""),
    ]:
        with pytest.raises(Invalid):
            sso.finish(kept, state, code, REDIRECT)
    clock.advance(601)
    with pytest.raises(Invalid, match="stale"):
        sso.finish(attempt, attempt.state, "c", REDIRECT)
    assert provider.asked == []


def test_a_provider_that_fails_is_said_in_words(setup: Any) -> None:
    _, sso, provider, _, _ = setup
    _, attempt = sso.begin(REDIRECT)
    provider.down = True

    with pytest.raises(SsoUnavailable, match="did not confirm"):
        sso.finish(attempt, attempt.state, "c", REDIRECT)
    with pytest.raises(SsoUnavailable, match="cannot be reached"):
        sso.begin(REDIRECT)
