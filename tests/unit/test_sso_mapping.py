"""Single sign-on rules: the mapping settings, who they place where, and whose email counts as verified."""

from __future__ import annotations

import pytest

from pairhub.bootstrap import sso_mapping
from pairhub.config import SettingError
from pairhub.domain.people import MemberRole
from pairhub.domain.sso import Grant, MappingError, SsoMapping, display_name, parse_rules, verified_email
from tests.conftest import make_settings

OWNER, OPERATOR, VIEWER = MemberRole.OWNER, MemberRole.OPERATOR, MemberRole.VIEWER


def test_rules_are_read_with_spaces_case_and_repeats() -> None:
    rules = parse_rules(" Fleet.Example = org-1:operator , fleet.example=org-2:viewer,,", "DOMAIN")

    assert rules == {"fleet.example": (Grant("org-1", OPERATOR), Grant("org-2", VIEWER))}
    assert parse_rules(None, "DOMAIN") == {} == parse_rules("  ", "VALUE")
    # Claim values are compared as sent (group names are case-sensitive at most providers).
    assert parse_rules("Fleet-Owners=org-1:owner", "VALUE") == {"Fleet-Owners": (Grant("org-1", OWNER),)}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("fleet.example", "is not DOMAIN=ORGANIZATION_ID:ROLE"),
        ("fleet.example=org-1", "is not DOMAIN=ORGANIZATION_ID:ROLE"),
        ("=org-1:owner", "is not DOMAIN=ORGANIZATION_ID:ROLE"),
        ("fleet.example=:owner", "is not DOMAIN=ORGANIZATION_ID:ROLE"),
        ("fleet.example=org-1:admin", "the role is owner, operator or viewer"),
    ],
)
def test_an_unreadable_rule_is_refused_in_words(text: str, reason: str) -> None:
    with pytest.raises(MappingError, match=reason):
        parse_rules(text, "DOMAIN")


def test_the_settings_name_the_unreadable_variable() -> None:
    with pytest.raises(SettingError, match="PAIRHUB_OIDC_DOMAIN_MAP"):
        sso_mapping(make_settings("sqlite://", oidc_domain_map="fleet.example=org-1:boss"))
    with pytest.raises(SettingError, match="PAIRHUB_OIDC_ROLE_CLAIM"):
        sso_mapping(make_settings("sqlite://", oidc_role_map="ops=org-1:operator"))
    mapping = sso_mapping(
        make_settings("sqlite://", oidc_role_claim="groups", oidc_role_map="ops=org-1:operator")
    )
    assert mapping.grants("x@y.example", {"groups": ["ops"]}) == {"org-1": OPERATOR}


MAPPING = SsoMapping(
    claim="groups",
    by_claim={
        "fleet-owners": (Grant("fleet", OWNER),),
        "auditors": (Grant("fleet", VIEWER), Grant("partners", VIEWER)),
    },
    by_domain={"fleet.example": (Grant("fleet", OPERATOR),)},
)


@pytest.mark.parametrize(
    ("email", "claims", "expected"),
    [
        ("ada@fleet.example", {}, {"fleet": OPERATOR}),
        ("Ada@FLEET.example", {}, {"fleet": OPERATOR}),
        # The stronger role wins where a group and the domain name the same organization.
        ("grace@fleet.example", {"groups": ["fleet-owners"]}, {"fleet": OWNER}),
        ("grace@fleet.example", {"groups": ["auditors"]}, {"fleet": OPERATOR, "partners": VIEWER}),
        # A single group may come as a string.
        ("linus@partner.example", {"groups": "auditors"}, {"fleet": VIEWER, "partners": VIEWER}),
        # A subdomain is another domain; other claims and shapes place nobody.
        ("eve@sub.fleet.example", {}, {}),
        ("eve@elsewhere.example", {"roles": ["fleet-owners"]}, {}),
        ("eve@elsewhere.example", {"groups": {"fleet-owners": True}}, {}),
        ("eve@elsewhere.example", {"groups": [["fleet-owners"]]}, {}),
    ],
)
def test_who_the_rules_place_where(
    email: str, claims: dict[str, object], expected: dict[str, MemberRole]
) -> None:
    assert MAPPING.grants(email, claims) == expected


def test_without_a_claim_only_the_domain_counts() -> None:
    mapping = SsoMapping(None, {"fleet-owners": (Grant("fleet", OWNER),)}, {})
    assert mapping.grants("a@b.example", {"groups": ["fleet-owners"]}) == {}
    assert MAPPING.organization_ids == {"fleet", "partners"}


@pytest.mark.parametrize(
    ("claims", "trust", "expected"),
    [
        ({"email": "ada@fleet.example", "email_verified": True}, False, "ada@fleet.example"),
        ({"email": " ada@fleet.example ", "email_verified": "true"}, False, "ada@fleet.example"),
        ({"email": "ada@fleet.example", "email_verified": False}, False, None),
        ({"email": "ada@fleet.example", "email_verified": "false"}, False, None),
        ({"email": "ada@fleet.example"}, False, None),
        # Trusting the provider's emails covers a missing claim only, never one that says "not verified".
        ({"email": "ada@fleet.example"}, True, "ada@fleet.example"),
        ({"email": "ada@fleet.example", "email_verified": False}, True, None),
        ({"email": "not an email", "email_verified": True}, False, None),
        ({"email": ["ada@fleet.example"], "email_verified": True}, False, None),
        ({"email_verified": True}, True, None),
    ],
)
def test_only_a_verified_email_counts(claims: dict[str, object], trust: bool, expected: str | None) -> None:
    assert verified_email(claims, trust) == expected


def test_the_display_name_comes_from_the_provider_or_the_email() -> None:
    assert display_name({"name": " Ada Lovelace "}, "a@f.example") == "Ada Lovelace"
    assert display_name({"given_name": "Ada", "family_name": "Lovelace"}, "a@f.example") == "Ada Lovelace"
    assert display_name({"name": "", "given_name": 7}, "a@f.example") == "a@f.example"
