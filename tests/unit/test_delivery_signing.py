"""Signatures: Standard Webhooks as the `standardwebhooks` package verifies it, and X-Signature-256."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from pairhub.adapters.http.signing import (
    body_signature,
    jwk,
    new_secret,
    public_key,
    secret_key,
    signature_headers,
    standard_signature,
)
from pairhub.domain.delivery import SignatureAlgorithm
from pairhub.receiver import InvalidSignature, verify

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


def test_ed25519_keys_sign_v1a_only_and_no_body_hash() -> None:
    key = new_secret(SignatureAlgorithm.ED25519)
    timestamp = int(time.time())
    headers = signature_headers((key,), BATCH_ID, timestamp, BODY, "X-SCALAR-Signature")
    raw_public = base64.b64decode(public_key(key).removeprefix("whpk_"))

    signature = base64.b64decode(headers["webhook-signature"].removeprefix("v1a,"))
    Ed25519PublicKey.from_public_bytes(raw_public).verify(
        signature, f"{BATCH_ID}.{timestamp}.".encode() + BODY
    )
    assert key.startswith("whsk_") and len(base64.b64decode(key.removeprefix("whsk_"))) == 32
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}


def test_the_jwk_is_rfc_8037_with_the_rfc_7638_thumbprint_as_kid() -> None:
    # RFC 8037 appendix A: the example key, its public `x` and its thumbprint.
    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    key = "whsk_" + base64.b64encode(seed).decode()

    assert jwk(key) == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
        "kid": "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
        "use": "sig",
        "alg": "EdDSA",
    }


def test_during_an_ed25519_rotation_both_keys_sign() -> None:
    new, old = new_secret(SignatureAlgorithm.ED25519), new_secret(SignatureAlgorithm.ED25519)
    headers = signature_headers((new, old), BATCH_ID, int(time.time()), BODY)

    assert len(headers["webhook-signature"].split(" ")) == 2
    for key in (new, old):
        assert verify([public_key(key)], headers, BODY) == BATCH_ID
    with pytest.raises(InvalidSignature):
        verify([public_key(new_secret(SignatureAlgorithm.ED25519))], headers, BODY)
