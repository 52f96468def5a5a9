"""Time and outgoing HTTP, as the use cases see them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class Clock(Protocol):
    """Something that tells the current time in milliseconds since the Unix epoch, UTC."""

    def now_ms(self) -> int:
        """The current time in epoch milliseconds."""
        ...


@dataclass(frozen=True)
class SendResult:
    """What came back: a status (None when no response), the first 2 KB of the body, timing, error text."""

    status: int | None
    excerpt: str
    duration_ms: int
    error: str | None = None
    retry_after: str | None = None


class Sender(Protocol):
    """Posts one signed body to one URL."""

    async def send(
        self, url: str, body: bytes, headers: Mapping[str, str], *, whole_answer: int | None = None
    ) -> SendResult:
        """POST `body` with `headers` and report the outcome; never raises for network trouble.

        The excerpt is the first 2 KB that arrive (for the log), or, with `whole_answer`, the whole
        answer up to that many bytes (a token response the caller parses).
        """
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class Sealer(Protocol):
    """Seals small values (positions) into opaque text that only this deployment can open."""

    def seal(self, data: bytes, context: bytes) -> str:
        """`data` as opaque text bound to `context`; the same input always gives the same text."""
        ...

    def unseal(self, sealed: str, context: bytes) -> bytes | None:
        """What `seal` sealed for `context`, or None for any other text."""
        ...


class SecretKeyError(Exception):
    """The secret key is missing or malformed, or does not open what is stored; the message is one line."""


class Mailer(Protocol):
    """Sends one plain-text mail (invitations and password resets)."""

    def send(self, to: str, subject: str, body: str) -> None:
        """Hand the mail to the server; raises OSError (or smtplib's errors) when it refuses."""
        ...


class ReadinessProbe(Protocol):
    """What `/readyz` asks of the storage: does it answer, take a write, and is its schema current."""

    def ping(self) -> None:
        """Raise unless the storage answers a read."""
        ...

    def ping_write(self) -> None:
        """Raise unless the storage takes a write (rolled back: nothing changes)."""
        ...

    def schema_current(self) -> bool:
        """True when the stored schema is the code's newest revision."""
        ...


class IdentityProviderError(Exception):
    """The identity provider could not be reached, refused, or answered something unusable.

    The message is one sentence for the person signing in (never a token or a secret).
    """


class IdentityProvider(Protocol):
    """An OpenID Connect provider: the authorization code flow with PKCE, as a client."""

    def authorization_url(self, redirect_uri: str, state: str, nonce: str, code_verifier: str) -> str:
        """Where the browser goes to sign in at the provider."""
        ...

    def claims(self, redirect_uri: str, code: str, code_verifier: str, nonce: str) -> dict[str, Any]:
        """The person's claims: the ID token's (signature, issuer, audience, expiry and nonce checked)
        with the userinfo endpoint's; IdentityProviderError when any of it fails."""
        ...
