"""The UI session: a signed cookie with the principal, the server session's token and a CSRF token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass, replace
from typing import Any

from pairhub.services.auth import SESSION_LIFETIME_S

COOKIE_NAME = "pairhub_ui"
MAX_AGE_S = SESSION_LIFETIME_S
"""A signed-in session lasts a working day; the server session behind it is checked on every request."""


@dataclass(frozen=True)
class UiSession:
    """What the browser carries between requests.

    `role` is None before sign-in. `organization_id` is the key's own organization, or the
    organization an admin chose to act on. `token` names the server-side session that signing out or
    revoking the key ends (never the API key itself). `flash` is a one-time message for the next page.
    """

    csrf: str
    issued_at_s: int
    role: str | None = None
    organization_id: str | None = None
    key_id: str | None = None
    token: str | None = None
    flash: str | None = None
    flash_kind: str = "ok"
    sso: dict[str, Any] | None = None
    """A single sign-on under way: its state, nonce and PKCE verifier, until the provider sends the
    browser back (signed like the rest, so it cannot be swapped; it never leaves this server's cookie)."""

    @property
    def signed_in(self) -> bool:
        """True once a valid token was presented."""
        return self.role is not None

    @property
    def is_admin(self) -> bool:
        """True for the admin token."""
        return self.role == "admin"

    def with_flash(self, message: str, kind: str = "ok") -> UiSession:
        """This session carrying a message for the next page."""
        return replace(self, flash=message, flash_kind=kind)


def new_session(now_s: int) -> UiSession:
    """An anonymous session with a fresh CSRF token (it protects the sign-in form too)."""
    return UiSession(csrf=secrets.token_urlsafe(24), issued_at_s=now_s)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionCodec:
    """Signs and verifies session cookies with HMAC-SHA256 under one secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, payload.encode(), hashlib.sha256).digest())

    def encode(self, session: UiSession) -> str:
        """The cookie value for `session`."""
        payload = _b64(json.dumps(asdict(session), separators=(",", ":")).encode())
        return f"{payload}.{self._sign(payload)}"

    def decode(self, value: str | None, now_s: int) -> UiSession | None:
        """The session in a cookie value, or None when it is missing, forged, malformed or expired."""
        # A cookie is ASCII by definition; anything else is forged or mangled (and would make
        # compare_digest raise on str).
        if not value or not value.isascii() or "." not in value:
            return None
        payload, signature = value.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            fields: dict[str, Any] = json.loads(_unb64(payload))
            session = UiSession(**fields)
        except (ValueError, TypeError):
            return None
        if not isinstance(session.issued_at_s, int) or not 0 <= now_s - session.issued_at_s <= MAX_AGE_S:
            return None
        return session


def csrf_matches(session: UiSession, presented: str | None) -> bool:
    """True when the form (or htmx header) carries this session's CSRF token."""
    return bool(presented) and hmac.compare_digest(session.csrf.encode(), (presented or "").encode())
