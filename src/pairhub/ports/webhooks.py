"""Webhook targets and signatures, as the use cases see them: the URL guard, the keys, the signer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pairhub.domain.delivery import SignatureAlgorithm


class TargetRefused(Exception):
    """The webhook URL or the address it resolves to is not allowed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UrlGuard(Protocol):
    """The rules a webhook or token URL must pass before it is stored (SSRF)."""

    def check_url(self, url: str) -> object:
        """Raise `TargetRefused` with a readable reason when `url` may not be called."""
        ...


class SigningKeys(Protocol):
    """Makes a subscription's secrets and shows the public half of its ed25519 keys."""

    def new_secret(self, algorithm: SignatureAlgorithm) -> str:
        """A fresh HMAC secret or ed25519 private key, as stored."""
        ...

    def public_key(self, signing_key: str) -> str:
        """The public key that verifies what `signing_key` signs."""
        ...

    def jwk(self, signing_key: str) -> dict[str, str]:
        """The public half of `signing_key` as a JWK."""
        ...


class Signer(Protocol):
    """Signs one request of a delivery."""

    def headers(
        self, secrets: Sequence[str], message_id: str, timestamp: int, body: bytes, body_header: str
    ) -> dict[str, str]:
        """The signing headers of one request: every secret in use signs; `body_header` carries one."""
        ...
