"""Standard Webhooks signature verification, symmetric (`v1`) and ed25519 (`v1a`), and `X-Signature-256`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping

DEFAULT_TOLERANCE_S = 300
PUBLIC_KEY_PREFIX = "whpk_"
MAX_TIMESTAMP_DIGITS = 12
"""Seconds since 1970 stay under 12 digits for the next 30,000 years."""


class InvalidSignature(Exception):
    """The request is not signed by any of the secrets, or its timestamp is too old or too new."""


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_...` secret (its base64-decoded bytes)."""
    encoded = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(encoded, validate=True)
    except ValueError as error:
        raise ValueError("a webhook secret is `whsec_` followed by base64") from error


def public_key_bytes(public_key: str) -> bytes:
    """The 32 raw bytes of a `whpk_...` ed25519 public key."""
    try:
        raw = base64.b64decode(public_key.removeprefix(PUBLIC_KEY_PREFIX), validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ValueError("a public key is `whpk_` followed by the base64 of 32 bytes")
    return raw


def signed_content(message_id: str, timestamp: int, body: bytes) -> bytes:
    """What both signature schemes sign: `id.timestamp.body`."""
    return f"{message_id}.{timestamp}.".encode() + body


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of one message under one secret."""
    digest = hmac.new(
        secret_key(secret), signed_content(message_id, timestamp, body), hashlib.sha256
    ).digest()
    return "v1," + base64.b64encode(digest).decode()


def ed25519_valid(public_key: str, content: bytes, offered: str) -> bool:
    """True when `offered` (`v1a,<base64>`) is the ed25519 signature of `content` under `public_key`."""
    # Imported here so that receivers of HMAC-signed webhooks need no extra package.
    from cryptography.exceptions import InvalidSignature as BadSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    # A malformed key is a configuration error and raises; a malformed signature is just no match.
    key = Ed25519PublicKey.from_public_bytes(public_key_bytes(public_key))
    scheme, _, encoded = offered.partition(",")
    if scheme != "v1a":
        return False
    try:
        key.verify(base64.b64decode(encoded, validate=True), content)
    except (ValueError, BadSignature):
        return False
    return True


def body_signature(secret: str, body: bytes) -> str:
    """The `X-Signature-256` value: `sha256=` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret_key(secret), body, hashlib.sha256).hexdigest()


def same_text(expected: str, offered: str) -> bool:
    """Constant-time comparison of a signature we computed with one a sender offered (any characters)."""
    return hmac.compare_digest(expected.encode(), offered.encode("utf-8", "surrogatepass"))


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise InvalidSignature(f"missing header {name}")


def verify(
    secrets: str | Iterable[str],
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    now_s: float | None = None,
) -> str:
    """Check the Standard Webhooks signature against any of `secrets`; return the `webhook-id`.

    Each one is a `whsec_` secret (checked against `v1` signatures) or a `whpk_` ed25519 public key
    (checked against `v1a` signatures). During a rotation the sender signs with both keys, so any one
    match is enough; pass every secret or public key you currently trust.
    """
    candidates = [secrets] if isinstance(secrets, str) else list(secrets)
    message_id = _header(headers, "webhook-id")
    raw_timestamp = _header(headers, "webhook-timestamp")
    # ASCII digits only: int() would also take "١٢٣", " 12 " or "1_2".
    if not (raw_timestamp.isascii() and raw_timestamp.isdigit()):
        raise InvalidSignature("webhook-timestamp is not an integer")
    # int() raises ValueError past 4300 digits; a timestamp this long is far outside any tolerance.
    if len(raw_timestamp) > MAX_TIMESTAMP_DIGITS:
        raise InvalidSignature("webhook-timestamp is outside the tolerance")
    timestamp = int(raw_timestamp)
    now = time.time() if now_s is None else now_s
    # A stale timestamp means a replay; one from the future means a wrong clock or a forgery.
    if abs(now - timestamp) > tolerance_s:
        raise InvalidSignature("webhook-timestamp is outside the tolerance")
    offered = _header(headers, "webhook-signature").split()
    content = signed_content(message_id, timestamp, body)
    for secret in candidates:
        if secret.startswith(PUBLIC_KEY_PREFIX):
            if any(ed25519_valid(secret, content, signature) for signature in offered):
                return message_id
            continue
        expected = sign(secret, message_id, timestamp, body)
        if any(same_text(expected, signature) for signature in offered if signature.startswith("v1,")):
            return message_id
    raise InvalidSignature("no signature matches")
