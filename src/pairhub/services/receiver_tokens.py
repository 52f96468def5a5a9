"""OAuth2 client credentials towards receivers: fetch a token, cache it per subscription, refresh on a 401."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode

from pairhub.domain.delivery import is_success
from pairhub.domain.subscriptions import OAuth2ClientCredentials
from pairhub.ports import Clock, Sender, SendResult

EXPIRY_MARGIN_MS = 30_000
"""A cached token is replaced this long before it expires, so that it does not expire in flight."""

LIFETIME_WITHOUT_EXPIRY_S = 300
"""How long a token is reused when the token endpoint does not say (`expires_in` is only recommended)."""

MAX_TOKEN_ANSWER = 64 * 1024
ERROR_EXCERPT_CHARS = 200


class TokenRefused(Exception):
    """The token endpoint gave no usable token; the text says why, readable in the delivery log."""

    def __init__(self, reason: str, duration_ms: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.duration_ms = duration_ms


@dataclass(frozen=True)
class CachedToken:
    """A bearer token, the credentials it was issued for and when to stop using it."""

    credentials: OAuth2ClientCredentials
    value: str
    use_until: int


def token_request(credentials: OAuth2ClientCredentials, user_agent: str) -> tuple[bytes, dict[str, str]]:
    """The form body and headers of a client credentials grant, authenticated with client_secret_basic."""
    form = {"grant_type": "client_credentials"}
    if credentials.scope:
        form["scope"] = credentials.scope
    # RFC 6749 §2.3.1: the id and secret are form-encoded before they are joined and base64-encoded.
    pair = f"{quote(credentials.client_id, safe='')}:{quote(credentials.client_secret, safe='')}"
    headers = {
        "Authorization": "Basic " + base64.b64encode(pair.encode()).decode("ascii"),
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
        "User-Agent": user_agent,
    }
    return urlencode(form).encode("ascii"), headers


def parse_token_answer(answer: SendResult) -> tuple[str, float]:
    """The access token and its lifetime in seconds from a token endpoint's answer, or TokenRefused."""
    if answer.status is None:
        raise TokenRefused(f"token endpoint: {answer.error or 'no answer'}")
    if not is_success(answer.status):
        excerpt = " ".join(answer.excerpt.split())[:ERROR_EXCERPT_CHARS]
        raise TokenRefused(f"token endpoint answered {answer.status}: {excerpt or '(empty body)'}")
    try:
        document = json.loads(answer.excerpt)
    except ValueError:
        raise TokenRefused(f"token endpoint answered {answer.status} without a JSON body") from None
    token = document.get("access_token") if isinstance(document, dict) else None
    if not isinstance(token, str) or not token or not token.isascii() or not token.isprintable():
        raise TokenRefused(f"token endpoint answered {answer.status} without a usable access_token")
    token_type = document.get("token_type", "Bearer")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise TokenRefused(
            f"token endpoint issued a {str(token_type)[:40]!r} token; only Bearer is supported"
        )
    lifetime = document.get("expires_in", LIFETIME_WITHOUT_EXPIRY_S)
    # Some servers send the number as a string; anything else unusable means "do not cache".
    try:
        seconds = float(lifetime)
    except (TypeError, ValueError):
        seconds = 0.0
    return token, seconds


class ReceiverTokens:
    """The bearer tokens of this process's subscriptions, each reused until 30 s before it expires."""

    def __init__(self, clock: Clock, user_agent: str) -> None:
        self._clock = clock
        self._user_agent = user_agent
        self._cached: dict[str, CachedToken] = {}

    async def token(
        self, sender: Sender, subscription_id: str, credentials: OAuth2ClientCredentials, *, fresh: bool
    ) -> tuple[str, int]:
        """A valid token (a new one when `fresh`) and the milliseconds spent fetching it."""
        cached = self._cached.get(subscription_id)
        now = self._clock.now_ms()
        if not fresh and cached and cached.credentials == credentials and now < cached.use_until:
            return cached.value, 0
        self._cached.pop(subscription_id, None)
        body, headers = token_request(credentials, self._user_agent)
        answer = await sender.send(credentials.token_url, body, headers, whole_answer=MAX_TOKEN_ANSWER)
        try:
            value, lifetime_s = parse_token_answer(answer)
        except TokenRefused as refused:
            raise TokenRefused(refused.reason, answer.duration_ms) from None
        use_until = now + round(lifetime_s * 1000) - EXPIRY_MARGIN_MS
        self._cached[subscription_id] = CachedToken(credentials, value, use_until)
        return value, answer.duration_ms

    async def send(
        self,
        sender: Sender,
        subscription_id: str,
        credentials: OAuth2ClientCredentials,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
    ) -> SendResult:
        """Post with a bearer token; a 401 gets a new token and one more try at once.

        A token endpoint that fails makes the attempt fail with its error (no status: it is retried).
        """
        first = await self._send_once(sender, subscription_id, credentials, url, body, headers, fresh=False)
        if first.status != 401:
            return first
        second = await self._send_once(sender, subscription_id, credentials, url, body, headers, fresh=True)
        return replace(second, duration_ms=first.duration_ms + second.duration_ms)

    async def _send_once(
        self,
        sender: Sender,
        subscription_id: str,
        credentials: OAuth2ClientCredentials,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        *,
        fresh: bool,
    ) -> SendResult:
        try:
            token, fetching_ms = await self.token(sender, subscription_id, credentials, fresh=fresh)
        except TokenRefused as refused:
            return SendResult(None, "", refused.duration_ms, refused.reason)
        result = await sender.send(url, body, {**headers, "Authorization": f"Bearer {token}"})
        return replace(result, duration_ms=fetching_ms + result.duration_ms)
