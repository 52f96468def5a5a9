"""The OpenID Connect client's checks of what a provider answers, over real HTTP against a provider the
test scripts: every ID token that is not exactly right is refused (the browser test signs in through the
real `oidc-provider` package; this one crafts the answers that package would never give)."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from pairhub.adapters.oidc import OpenIdConnectClient
from pairhub.ports import IdentityProviderError
from tests.e2e.processes import free_port
from tests.support import serving

CLIENT_ID, SECRET, NONCE = "pairhub", "the client secret", "the-nonce"
VERIFIER = "v" * 64
REDIRECT = "https://pairhub.example/ui/sign-in/oidc/callback"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})


class Script:
    """What the scripted provider answers next, and what it was sent."""

    def __init__(self) -> None:
        self.header: dict[str, Any] = {"alg": "RS256", "kid": "k1"}
        self.claims: dict[str, Any] = {}
        self.key: Any = KEY
        self.userinfo: dict[str, Any] = {}
        self.token_status = 200
        self.token_requests: list[dict[str, Any]] = []


def provider(script: Script, issuer: list[str]) -> FastAPI:
    """Discovery, keys, token and userinfo endpoints that answer as scripted."""
    app = FastAPI()

    @app.get("/.well-known/openid-configuration")
    def discovery() -> dict[str, Any]:
        base = issuer[0]
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/auth",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/me",
            "jwks_uri": f"{base}/jwks",
        }

    @app.get("/jwks")
    def jwks() -> dict[str, Any]:
        return KeySet([KEY]).as_dict(private=False)

    @app.post("/token")
    async def token(request: Request) -> JSONResponse:
        form = dict(await request.form())
        script.token_requests.append({**form, "authorization": request.headers.get("authorization")})
        if script.token_status != 200:
            return JSONResponse({"error": "invalid_grant"}, status_code=script.token_status)
        id_token = jwt.encode(script.header, script.claims, script.key)
        return JSONResponse({"access_token": "at", "token_type": "Bearer", "id_token": id_token})

    @app.get("/me")
    def me() -> dict[str, Any]:
        return script.userinfo

    return app


@pytest.fixture
def scripted() -> Iterator[tuple[Script, OpenIdConnectClient]]:
    script, issuer = Script(), [""]
    port = free_port()
    with serving(provider(script, issuer), port) as base:
        issuer[0] = base
        now = int(time.time())
        script.claims = {
            "iss": base,
            "aud": CLIENT_ID,
            "sub": "s-1",
            "exp": now + 300,
            "iat": now,
            "nonce": NONCE,
        }
        script.userinfo = {
            "sub": "s-1",
            "email": "ada@fleet.example",
            "email_verified": True,
            "name": "Userinfo",
        }
        yield script, OpenIdConnectClient(base, CLIENT_ID, SECRET, "openid email profile")


def _claims(client: OpenIdConnectClient) -> dict[str, Any]:
    return client.claims(REDIRECT, "the-code", VERIFIER, NONCE)


def test_the_code_flow_with_pkce_and_the_claims_of_one_subject(
    scripted: tuple[Script, OpenIdConnectClient],
) -> None:
    script, client = scripted
    script.claims["name"] = "Ada Lovelace"

    url = client.authorization_url(REDIRECT, "the-state", NONCE, VERIFIER)
    claims = _claims(client)

    query = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    challenge = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
    assert query == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "openid email profile",
        "state": "the-state",
        "nonce": NONCE,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    [sent] = script.token_requests
    assert (sent["grant_type"], sent["code"], sent["code_verifier"], sent["redirect_uri"]) == (
        "authorization_code",
        "the-code",
        VERIFIER,
        REDIRECT,
    )
    # client_secret_basic: the id and the secret, form-encoded, in the Authorization header.
    scheme, _, credentials = sent["authorization"].partition(" ")
    user, _, password = base64.b64decode(credentials).decode().partition(":")
    assert (scheme, unquote_plus(user), unquote_plus(password)) == ("Basic", CLIENT_ID, SECRET)
    # The signed ID token wins where userinfo says otherwise; userinfo adds what it lacks.
    assert (claims["name"], claims["email"], claims["email_verified"]) == (
        "Ada Lovelace",
        "ada@fleet.example",
        True,
    )


def test_userinfo_of_another_subject_is_ignored(scripted: tuple[Script, OpenIdConnectClient]) -> None:
    script, client = scripted
    script.userinfo["sub"] = "someone-else"

    assert "email" not in _claims(client)


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda s: s.claims.update(nonce="another"), id="nonce"),
        pytest.param(lambda s: s.claims.update(aud="another-client"), id="audience"),
        pytest.param(lambda s: s.claims.update(iss="https://evil.example"), id="issuer"),
        pytest.param(lambda s: s.claims.update(exp=int(time.time()) - 120), id="expired"),
        pytest.param(lambda s: s.claims.pop("nonce"), id="no-nonce"),
        pytest.param(lambda s: s.claims.pop("sub"), id="no-subject"),
        pytest.param(lambda s: s.claims.update(azp="another-client"), id="authorized-party"),
        pytest.param(lambda s: setattr(s, "key", OTHER_KEY), id="another-key"),
        pytest.param(
            lambda s: (
                setattr(s, "key", OctKey.import_key(SECRET.encode() * 2)),
                s.header.update(alg="HS256"),
            ),
            id="symmetric",
        ),
        pytest.param(lambda s: setattr(s, "token_status", 400), id="code-refused"),
    ],
)
def test_an_answer_that_is_not_exactly_right_is_refused(
    scripted: tuple[Script, OpenIdConnectClient], spoil: Any
) -> None:
    script, client = scripted
    spoil(script)

    with pytest.raises(IdentityProviderError, match="did not confirm this sign-in"):
        _claims(client)


def test_a_provider_that_is_not_the_issuer_is_refused() -> None:
    script, issuer = Script(), ["https://id.example"]
    port = free_port()
    with serving(provider(script, issuer), port) as base:
        client = OpenIdConnectClient(base, CLIENT_ID, SECRET, "openid")
        with pytest.raises(IdentityProviderError, match="cannot be reached"):
            client.authorization_url(REDIRECT, "s", NONCE, VERIFIER)
