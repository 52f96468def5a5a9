"""Mail through the SMTP server of `PAIRHUB_SMTP_URL` (`smtp://user:pass@host:25`, `smtps://` for TLS)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

TIMEOUT_S = 10.0


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand mail over."""

    host: str
    port: int
    tls: bool
    user: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpServer:
    """The server in an `smtp://` or `smtps://` URL; ValueError (one line) for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("PAIRHUB_SMTP_URL is smtp://[user:password@]host[:port] or smtps://…")
    tls = parts.scheme == "smtps"
    return SmtpServer(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        tls=tls,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


class SmtpMailer:
    """Sends each mail over its own connection (invitations are rare; nothing to keep open)."""

    def __init__(self, server: SmtpServer, sender: str) -> None:
        self._server = server
        self._sender = sender

    def send(self, to: str, subject: str, body: str) -> None:
        """Hand one plain-text mail to the server."""
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        server = self._server
        connect = smtplib.SMTP_SSL if server.tls else smtplib.SMTP
        with connect(server.host, server.port, timeout=TIMEOUT_S) as smtp:
            if server.user is not None:
                smtp.login(server.user, server.password or "")
            smtp.send_message(message)
