"""Single sign-on with OpenID Connect: starting a sign-in at the provider, and finishing it as a person."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from pairhub.domain.errors import DomainError, Forbidden, Invalid
from pairhub.domain.people import Person
from pairhub.domain.sso import SsoMapping, display_name, verified_email
from pairhub.ports import Clock, IdentityProvider, IdentityProviderError
from pairhub.services.people import People

ATTEMPT_LIFETIME_S = 600
"""A sign-in started at the provider is finished within 10 minutes, or started again."""


class SsoUnavailable(DomainError):
    """The provider could not be reached or did not confirm the sign-in (the edge answers 502)."""


@dataclass(frozen=True)
class SsoAttempt:
    """What the browser's signed session keeps between leaving for the provider and coming back."""

    state: str
    nonce: str
    verifier: str
    started_at_s: int


class SingleSignOn:
    """Sign-in through one OpenID Connect provider; people are matched by verified email or made."""

    def __init__(
        self,
        provider: IdentityProvider,
        people: People,
        clock: Clock,
        mapping: SsoMapping,
        *,
        name: str,
        trust_provider_emails: bool = False,
    ) -> None:
        self._provider = provider
        self._people = people
        self._clock = clock
        self.mapping = mapping
        self.name = name
        self._trust = trust_provider_emails

    def begin(self, redirect_uri: str) -> tuple[str, SsoAttempt]:
        """The provider's sign-in URL and the attempt to keep (state, nonce and PKCE verifier)."""
        attempt = SsoAttempt(
            state=secrets.token_urlsafe(24),
            nonce=secrets.token_urlsafe(24),
            # 43 to 128 characters from the unreserved set (RFC 7636, 4.1): 64 random bytes give 86.
            verifier=secrets.token_urlsafe(64),
            started_at_s=self._clock.now_ms() // 1000,
        )
        try:
            url = self._provider.authorization_url(
                redirect_uri, attempt.state, attempt.nonce, attempt.verifier
            )
        except IdentityProviderError as error:
            raise SsoUnavailable("sso_unavailable", str(error)) from None
        return url, attempt

    def finish(self, attempt: SsoAttempt | None, state: str, code: str, redirect_uri: str) -> Person:
        """The person the provider signed in: matched by verified email, or made on first sign-in where
        the mapping places them; refused (in words) otherwise."""
        now_s = self._clock.now_ms() // 1000
        if (
            attempt is None
            or not hmac.compare_digest(attempt.state.encode(), state.encode())
            or not 0 <= now_s - attempt.started_at_s <= ATTEMPT_LIFETIME_S
        ):
            raise Invalid(
                "sso_state_mismatch", "This sign-in is stale or was started elsewhere: start again."
            )
        if not code:
            raise Invalid("sso_state_mismatch", "The identity provider sent no code: start again.")
        try:
            claims = self._provider.claims(redirect_uri, code, attempt.verifier, attempt.nonce)
        except IdentityProviderError as error:
            raise SsoUnavailable("sso_unavailable", str(error)) from None
        email = verified_email(claims, self._trust)
        if email is None:
            raise Forbidden(
                "sso_email_unverified",
                f"{self.name} did not confirm an email address for this account: verify the email there, "
                "or ask an owner for an invitation.",
            )
        existing = self._people.find_by_email(email)
        if existing is not None:
            return existing
        grants = self.mapping.grants(email, claims)
        person = self._people.join_by_sso(email, display_name(claims, email), grants)
        if person is None:
            raise Forbidden(
                "sso_not_mapped",
                f"{email} has no account here, and no organization takes people from {self.name} with "
                "this email or these groups: ask an owner of your organization for an invitation.",
            )
        return person
