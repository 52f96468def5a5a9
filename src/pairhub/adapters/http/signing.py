"""Webhook signatures: Standard Webhooks (`webhook-signature`) and `X-Signature-256`.

The primitives are the receiver library's, so what pairhub signs and what integrators verify with it
cannot drift apart.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence

from pairhub.receiver.signing import body_signature, secret_key
from pairhub.receiver.signing import sign as standard_signature

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32

__all__ = ["body_signature", "new_secret", "secret_key", "signature_headers", "standard_signature"]


def new_secret() -> str:
    """A fresh signing secret: `whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signature_headers(
    secrets_in_use: Sequence[str],
    message_id: str,
    timestamp: int,
    body: bytes,
    body_header: str = "X-Signature-256",
) -> dict[str, str]:
    """The signing headers of one request; every secret in use signs `webhook-signature`.

    The body signature (`X-Signature-256`, or the subscription's `signatureHeader`) carries one value,
    so it is computed with the newest secret only.
    """
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            standard_signature(secret, message_id, timestamp, body) for secret in secrets_in_use
        ),
        body_header: body_signature(secrets_in_use[0], body),
    }
