"""Webhook signatures: Standard Webhooks (`webhook-signature`, `v1` HMAC or `v1a` ed25519) and the body hash.

The verification primitives are the receiver library's, so what pairhub signs and what integrators
verify with it cannot drift apart.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import secrets
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pairhub.domain.delivery import SignatureAlgorithm
from pairhub.receiver.signing import PUBLIC_KEY_PREFIX, body_signature, secret_key, signed_content
from pairhub.receiver.signing import sign as standard_signature

SECRET_PREFIX = "whsec_"
SIGNING_KEY_PREFIX = "whsk_"
"""An ed25519 private key: `whsk_` + base64 of its 32-byte seed (kept where HMAC secrets are kept)."""
SECRET_BYTES = 32

__all__ = [
    "StandardWebhookKeys",
    "StandardWebhookSigner",
    "body_signature",
    "jwk",
    "new_secret",
    "public_key",
    "secret_key",
    "signature_headers",
    "standard_signature",
]


def new_secret(algorithm: SignatureAlgorithm = SignatureAlgorithm.HMAC_SHA256) -> str:
    """A fresh `whsec_` HMAC secret, or a fresh `whsk_` ed25519 private key."""
    if algorithm is SignatureAlgorithm.ED25519:
        seed = Ed25519PrivateKey.generate().private_bytes_raw()
        return SIGNING_KEY_PREFIX + base64.b64encode(seed).decode("ascii")
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


@functools.lru_cache(maxsize=1024)
def _private_key(signing_key: str) -> Ed25519PrivateKey:
    # Parsed once per key: every request of an ed25519 subscription signs with it.
    seed = base64.b64decode(signing_key.removeprefix(SIGNING_KEY_PREFIX), validate=True)
    return Ed25519PrivateKey.from_private_bytes(seed)


def _public_bytes(signing_key: str) -> bytes:
    return _private_key(signing_key).public_key().public_bytes_raw()


def public_key(signing_key: str) -> str:
    """The `whpk_` public key of a `whsk_` private key (what receivers verify `v1a` with)."""
    return PUBLIC_KEY_PREFIX + base64.b64encode(_public_bytes(signing_key)).decode("ascii")


def _base64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def jwk(signing_key: str) -> dict[str, str]:
    """The public half of a `whsk_` key as a JWK (RFC 8037), its `kid` the RFC 7638 thumbprint."""
    x = _base64url(_public_bytes(signing_key))
    # The thumbprint hashes the required members in lexicographic order, without whitespace.
    thumbprint = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
    kid = _base64url(hashlib.sha256(thumbprint.encode("ascii")).digest())
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "use": "sig", "alg": "EdDSA"}


def _signature(key: str, message_id: str, timestamp: int, body: bytes) -> str:
    if key.startswith(SIGNING_KEY_PREFIX):
        signed = _private_key(key).sign(signed_content(message_id, timestamp, body))
        return "v1a," + base64.b64encode(signed).decode("ascii")
    return standard_signature(key, message_id, timestamp, body)


def signature_headers(
    secrets_in_use: Sequence[str],
    message_id: str,
    timestamp: int,
    body: bytes,
    body_header: str = "X-Signature-256",
) -> dict[str, str]:
    """The signing headers of one request; every key in use signs `webhook-signature`.

    The body signature (`X-Signature-256`, or the subscription's `signatureHeader`) carries one value,
    so it is computed with the newest secret only; an ed25519 subscription has no shared secret for
    it and sends none.
    """
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(_signature(key, message_id, timestamp, body) for key in secrets_in_use),
    }
    if not secrets_in_use[0].startswith(SIGNING_KEY_PREFIX):
        headers[body_header] = body_signature(secrets_in_use[0], body)
    return headers


class StandardWebhookKeys:
    """`SigningKeys` of Standard Webhooks: `whsec_` secrets, `whsk_` ed25519 keys, their JWKs."""

    def new_secret(self, algorithm: SignatureAlgorithm) -> str:
        """A fresh `whsec_` HMAC secret, or a fresh `whsk_` ed25519 private key."""
        return new_secret(algorithm)

    def public_key(self, signing_key: str) -> str:
        """The `whpk_` public key of a `whsk_` private key."""
        return public_key(signing_key)

    def jwk(self, signing_key: str) -> dict[str, str]:
        """The public half of a `whsk_` key as a JWK."""
        return jwk(signing_key)


class StandardWebhookSigner:
    """`Signer` of Standard Webhooks (`webhook-signature`) and the one-value body signature header."""

    def headers(
        self, secrets: Sequence[str], message_id: str, timestamp: int, body: bytes, body_header: str
    ) -> dict[str, str]:
        """The signing headers of one request (see `signature_headers`)."""
        return signature_headers(secrets, message_id, timestamp, body, body_header)
