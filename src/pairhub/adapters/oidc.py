"""An OpenID Connect client: discovery, the authorization code flow with PKCE (authlib), ID tokens
checked against the provider's keys (joserfc)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import structlog
from authlib.integrations.httpx_client import OAuth2Client, OAuthError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from pairhub.ports import IdentityProviderError

log = structlog.get_logger("pairhub.oidc")

TIMEOUT_S = 10.0
METADATA_LIFETIME_S = 3600.0
"""Discovery and keys are read again after an hour (providers rotate signing keys)."""
LEEWAY_S = 60
"""Clock skew tolerated between this host and the provider for `exp`, `iat` and `nbf`."""
ID_TOKEN_ALGORITHMS = [
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
]
"""Asymmetric algorithms only: the provider's published keys verify them (never `none`, never HS*)."""


@dataclass(frozen=True)
class _Metadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str | None
    keys: KeySet
    read_at: float


class OpenIdConnectClient:
    """One configured provider; discovery and keys are fetched on first use and cached."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str | None,
        scopes: str,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._issuer = issuer.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._scopes = scopes
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._metadata: _Metadata | None = None

    def _client(self, redirect_uri: str) -> OAuth2Client:
        return OAuth2Client(
            client_id=self._client_id,
            client_secret=self._client_secret,
            # A client without a secret is a public client: PKCE alone protects its code.
            token_endpoint_auth_method="client_secret_basic" if self._client_secret else "none",
            scope=self._scopes,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=TIMEOUT_S,
            follow_redirects=False,
        )

    def _get_json(self, url: str) -> dict[str, Any]:
        with httpx2.Client(timeout=TIMEOUT_S) as http:
            answer = http.get(url, headers={"Accept": "application/json"})
        answer.raise_for_status()
        body = answer.json()
        if not isinstance(body, dict):
            raise ValueError(f"{url} did not answer a JSON object")
        return body

    def _discover(self, refresh: bool = False) -> _Metadata:
        with self._lock:
            cached = self._metadata
            if (
                cached is not None
                and not refresh
                and self._monotonic() - cached.read_at < METADATA_LIFETIME_S
            ):
                return cached
            try:
                found = self._get_json(self._issuer + "/.well-known/openid-configuration")
                # The document must be the configured issuer's own (OpenID Connect Discovery 1.0, 4.3).
                if str(found.get("issuer", "")).rstrip("/") != self._issuer:
                    raise ValueError(f"the discovery document names the issuer {found.get('issuer')!r}")
                keys = KeySet.import_key_set(self._get_json(str(found["jwks_uri"])))  # type: ignore[arg-type]
                self._metadata = _Metadata(
                    issuer=str(found["issuer"]),
                    authorization_endpoint=str(found["authorization_endpoint"]),
                    token_endpoint=str(found["token_endpoint"]),
                    userinfo_endpoint=found.get("userinfo_endpoint"),
                    keys=keys,
                    read_at=self._monotonic(),
                )
            except (httpx2.HTTPError, ValueError, KeyError, TypeError, JoseError) as error:
                log.warning("oidc_discovery_failed", issuer=self._issuer, error=str(error))
                raise IdentityProviderError(
                    "The identity provider cannot be reached right now: try again in a moment."
                ) from None
            return self._metadata

    def authorization_url(self, redirect_uri: str, state: str, nonce: str, code_verifier: str) -> str:
        """Where the browser goes to sign in at the provider (code flow, S256 challenge, nonce)."""
        metadata = self._discover()
        with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                metadata.authorization_endpoint, state=state, code_verifier=code_verifier, nonce=nonce
            )
        return str(url)

    def claims(self, redirect_uri: str, code: str, code_verifier: str, nonce: str) -> dict[str, Any]:
        """Exchange the code, check the ID token, and merge the userinfo claims of the same subject."""
        metadata = self._discover()
        try:
            with self._client(redirect_uri) as client:
                token = client.fetch_token(
                    metadata.token_endpoint,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                )
                id_token = token.get("id_token")
                if not isinstance(id_token, str):
                    raise ValueError("the token response has no ID token")
                claims = self._checked(id_token, nonce, metadata)
                if metadata.userinfo_endpoint and token.get("access_token"):
                    answer = client.get(metadata.userinfo_endpoint)
                    answer.raise_for_status()
                    extra = answer.json()
                    # Userinfo is trusted only for the subject the ID token names (OpenID Connect Core 5.3.2);
                    # where both say something, the signed ID token wins.
                    if isinstance(extra, dict) and extra.get("sub") == claims.get("sub"):
                        claims = {**extra, **claims}
        except IdentityProviderError:
            raise
        except (OAuthError, httpx2.HTTPError, ValueError, KeyError, TypeError, JoseError) as error:
            log.warning("oidc_sign_in_failed", issuer=self._issuer, error=str(error))
            raise IdentityProviderError(
                "The identity provider did not confirm this sign-in: start again."
            ) from None
        return claims

    def _checked(self, id_token: str, nonce: str, metadata: _Metadata) -> dict[str, Any]:
        try:
            decoded = jwt.decode(id_token, metadata.keys, algorithms=ID_TOKEN_ALGORITHMS)
        except JoseError:
            # A key the cached set lacks: the provider may have rotated its keys since they were read.
            metadata = self._discover(refresh=True)
            decoded = jwt.decode(id_token, metadata.keys, algorithms=ID_TOKEN_ALGORITHMS)
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_S,
            iss={"essential": True, "value": metadata.issuer},
            aud={"essential": True, "value": self._client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(decoded.claims)
        azp = decoded.claims.get("azp")
        if azp is not None and azp != self._client_id:
            raise ValueError("the ID token was issued to another client")
        return dict(decoded.claims)
