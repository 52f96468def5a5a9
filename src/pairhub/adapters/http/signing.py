"""Webhook signatures: Standard Webhooks (`webhook-signature`) and `X-Signature-256`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret: `whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key behind a `whsec_` secret (the decoded bytes, as Standard Webhooks specifies)."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise ValueError("not a whsec_ secret") from error


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` (one entry of `webhook-signature`)."""
    signed = message_id.encode() + b"." + str(timestamp).encode() + b"." + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def body_signature(secret: str, body: bytes) -> str:
    """`sha256=` + hex HMAC-SHA256 of the raw body (the `X-Signature-256` header)."""
    return "sha256=" + hmac.new(secret_key(secret), body, hashlib.sha256).hexdigest()


def signature_headers(
    secrets_in_use: Sequence[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The signing headers of one request; every secret in use signs `webhook-signature`.

    `X-Signature-256` carries one value, so it is computed with the newest secret only.
    """
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            standard_signature(secret, message_id, timestamp, body) for secret in secrets_in_use
        ),
        "X-Signature-256": body_signature(secrets_in_use[0], body),
    }
