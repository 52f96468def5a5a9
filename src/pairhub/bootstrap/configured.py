"""What the settings choose (the URL guard, the sender, single sign-on), and the check of settings that
parse but cannot work."""

from __future__ import annotations

from pairhub.adapters.http.sender import AiohttpSender
from pairhub.adapters.http.ssrf import Resolver, TargetGuard, system_resolver
from pairhub.adapters.oidc import OpenIdConnectClient
from pairhub.adapters.sql.engine import check_url
from pairhub.config import SettingError, Settings
from pairhub.domain.sso import MappingError, SsoMapping, parse_rules
from pairhub.ports import Clock, Sender
from pairhub.ports.broker import Broker
from pairhub.services.people import People
from pairhub.services.sso import SingleSignOn


def target_guard(settings: Settings, resolver: Resolver = system_resolver) -> TargetGuard:
    """The SSRF guard of webhook targets, as the settings allow."""
    return TargetGuard(
        resolver,
        allow_private=settings.allow_private_webhook_targets,
        allow_insecure=settings.allow_insecure_webhooks,
    )


def sender(guard: TargetGuard, settings: Settings) -> Sender:
    """The outgoing HTTP client of webhook deliveries, within the guard and the settings' limits."""
    # Fair shares let attempts in flight run over the pool by what was lent, up to twice the pool: the
    # connection limit must never be the tighter bound, or one tenant's silent receivers would hold
    # the connections every other tenant waits for.
    return AiohttpSender(guard, settings.delivery_timeout, max_connections=2 * settings.delivery_concurrency)


def sso_mapping(settings: Settings) -> SsoMapping:
    """The organization and role of people signing in for the first time; SettingError when unreadable."""
    try:
        by_domain = parse_rules(settings.oidc_domain_map, "DOMAIN")
    except MappingError as error:
        raise SettingError("PAIRHUB_OIDC_DOMAIN_MAP", str(error)) from None
    try:
        by_claim = parse_rules(settings.oidc_role_map, "VALUE")
    except MappingError as error:
        raise SettingError("PAIRHUB_OIDC_ROLE_MAP", str(error)) from None
    if by_claim and not settings.oidc_role_claim:
        raise SettingError("PAIRHUB_OIDC_ROLE_MAP", "set PAIRHUB_OIDC_ROLE_CLAIM to the claim it reads")
    return SsoMapping(settings.oidc_role_claim, by_claim, by_domain)


def single_sign_on(settings: Settings, people: People, clock: Clock) -> SingleSignOn | None:
    """Sign-in through the configured OpenID Connect provider, or None when none is configured."""
    if not settings.oidc_issuer or not settings.oidc_client_id:
        return None
    provider = OpenIdConnectClient(
        settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret, settings.oidc_scopes
    )
    return SingleSignOn(
        provider,
        people,
        clock,
        sso_mapping(settings),
        name=settings.oidc_name,
        trust_provider_emails=settings.oidc_trust_emails,
    )


def check_settings(settings: Settings) -> None:
    """SettingError (one line naming it) for a setting that parses but cannot work."""
    check_url(settings.database_url)
    if bool(settings.oidc_issuer) != bool(settings.oidc_client_id):
        raise SettingError(
            "PAIRHUB_OIDC_CLIENT_ID" if settings.oidc_issuer else "PAIRHUB_OIDC_ISSUER",
            "single sign-on needs both PAIRHUB_OIDC_ISSUER and PAIRHUB_OIDC_CLIENT_ID",
        )
    if "openid" not in settings.oidc_scopes.split():
        raise SettingError("PAIRHUB_OIDC_SCOPES", "the scopes include `openid`")
    sso_mapping(settings)
    if settings.mqtt_url:
        try:
            Broker.parse(settings.mqtt_url)
        except ValueError as error:
            raise SettingError("PAIRHUB_MQTT_URL", str(error).removeprefix("PAIRHUB_MQTT_URL ")) from None
