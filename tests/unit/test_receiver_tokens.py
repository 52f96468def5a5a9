"""Token answers as RFC 6749 gives them, the client credentials request, and the guard at connect time."""

from __future__ import annotations

import base64

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.http.sender import AiohttpSender
from pairhub.adapters.http.ssrf import TargetGuard, static_resolver
from pairhub.domain.subscriptions import OAuth2ClientCredentials
from pairhub.ports import SendResult
from pairhub.services.receiver_tokens import ReceiverTokens, TokenRefused, parse_token_answer, token_request
from tests.delivery_support import Receiver

CREDENTIALS = OAuth2ClientCredentials("https://auth.example/token", "id:1", "p@ss word", "a b")


def answer(body: str, status: int = 200) -> SendResult:
    return SendResult(status, body, 12)


@pytest.mark.parametrize(
    ("body", "lifetime"),
    [
        ('{"access_token": "abc", "token_type": "Bearer", "expires_in": 3600}', 3600.0),
        ('{"access_token": "abc", "token_type": "bearer", "expires_in": "60"}', 60.0),
        ('{"access_token": "abc"}', 300.0),
        ('{"access_token": "abc", "expires_in": "soon"}', 0.0),
    ],
)
def test_a_bearer_token_and_its_lifetime_are_read(body: str, lifetime: float) -> None:
    assert parse_token_answer(answer(body)) == ("abc", lifetime)


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        (
            answer('{"error":\n "invalid_client"}', 401),
            'token endpoint answered 401: {"error": "invalid_client"}',
        ),
        (answer("", 302), "token endpoint answered 302: (empty body)"),
        (answer("<html>", 200), "token endpoint answered 200 without a JSON body"),
        (answer('{"token": "abc"}'), "token endpoint answered 200 without a usable access_token"),
        (answer('{"access_token": "a\\nb"}'), "token endpoint answered 200 without a usable access_token"),
        (answer('{"access_token": "abc", "token_type": "mac"}'), "only Bearer is supported"),
        (SendResult(None, "", 5, "timeout after 1 s"), "token endpoint: timeout after 1 s"),
    ],
)
def test_an_unusable_answer_is_refused_with_a_readable_reason(result: SendResult, reason: str) -> None:
    with pytest.raises(TokenRefused, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_token_answer(result)


def test_the_request_is_a_form_with_client_secret_basic() -> None:
    body, headers = token_request(CREDENTIALS, "pairhub/test")

    assert body == b"grant_type=client_credentials&scope=a+b"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    # RFC 6749 §2.3.1: each part form-encoded, then joined and base64-encoded.
    assert base64.b64decode(headers["Authorization"].removeprefix("Basic ")) == b"id%3A1:p%40ss%20word"


async def test_a_token_url_rebound_to_loopback_is_refused_at_connect_time(receiver: Receiver) -> None:
    guard = TargetGuard(
        static_resolver({"auth.example.test": ["127.0.0.1"]}), allow_private=False, allow_insecure=True
    )
    sender = AiohttpSender(guard, 2.0)
    credentials = OAuth2ClientCredentials(receiver.url("/token", host="auth.example.test"), "id", "secret")
    tokens = ReceiverTokens(ManualClock(), "pairhub/test")
    try:
        result = await tokens.send(sender, "sub-1", credentials, receiver.url("/hook"), b"{}", {})
    finally:
        await sender.close()

    assert result.status is None and result.error is not None
    assert result.error.startswith("token endpoint: target refused: auth.example.test resolves to 127.0.0.1")
    assert receiver.requests() == []
