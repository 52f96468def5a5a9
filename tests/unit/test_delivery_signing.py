"""Signatures: Standard Webhooks as the `standardwebhooks` package verifies it, and X-Signature-256."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from pairhub.adapters.http.signing import (
    body_signature,
    new_secret,
    secret_key,
    signature_headers,
    standard_signature,
)

BODY = b'{"eventBatchId":"31fccdce-725e-4c87-a91b-3a8e66144641","eventsData":[]}'
BATCH_ID = "31fccdce-725e-4c87-a91b-3a8e66144641"


def test_secrets_are_whsec_and_32_random_bytes() -> None:
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_") and first != second
    assert len(secret_key(first)) == 32


def test_the_signature_verifies_with_standardwebhooks() -> None:
    secret = new_secret()
    headers = signature_headers((secret,), BATCH_ID, int(time.time()), BODY)

    assert Webhook(secret).verify(BODY, headers) == {
        "eventBatchId": BATCH_ID,
        "eventsData": [],
    }
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY + b" ", headers)


def test_during_rotation_both_secrets_sign() -> None:
    new, old = new_secret(), new_secret()
    headers = signature_headers((new, old), BATCH_ID, int(time.time()), BODY)

    assert headers["webhook-signature"].count("v1,") == 2
    Webhook(new).verify(BODY, headers)
    Webhook(old).verify(BODY, headers)
    assert headers["X-Signature-256"] == body_signature(new, BODY)


def test_signatures_match_an_independent_computation() -> None:
    secret = new_secret()
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{BATCH_ID}.1747142293.".encode() + BODY
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()

    assert standard_signature(secret, BATCH_ID, 1_747_142_293, BODY) == f"v1,{expected}"
    assert body_signature(secret, BODY) == "sha256=" + hmac.new(key, BODY, hashlib.sha256).hexdigest()


def test_a_malformed_secret_is_an_error() -> None:
    with pytest.raises(ValueError):
        secret_key("whsec_not base64!")
