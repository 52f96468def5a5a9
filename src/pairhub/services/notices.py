"""The mails pairhub sends to people: an invitation, a password reset (only when a mail server is set)."""

from __future__ import annotations

import structlog

from pairhub.ports import Mailer

log = structlog.get_logger("pairhub.mail")


class Notices:
    """Writes and sends the one-time links; a refused mail is logged (the link was shown to its maker)."""

    def __init__(self, mailer: Mailer | None) -> None:
        self._mailer = mailer

    def invitation(self, to: str, url: str, organization: str, role: str, invited_by: str) -> bool:
        """Mail an invitation link; True when it was handed to the mail server."""
        body = (
            f"{invited_by} invites you to {organization} on pairhub, as {role}.\n\n"
            f"Open this link within 7 days to choose your name and password:\n{url}\n\n"
            "The link works once. If you did not expect this invitation, ignore this mail.\n"
        )
        return self._send(to, f"Your invitation to {organization} on pairhub", body)

    def password_reset(self, to: str, url: str) -> bool:
        """Mail a password-reset link; True when it was handed to the mail server."""
        body = (
            "Someone who manages your organization on pairhub made a link to set a new password.\n\n"
            f"Open it within 7 days:\n{url}\n\n"
            "The link works once; your sessions end when the new password is set.\n"
        )
        return self._send(to, "Set a new pairhub password", body)

    def _send(self, to: str, subject: str, body: str) -> bool:
        if self._mailer is None:
            return False
        try:
            self._mailer.send(to, subject, body)
        except (OSError, ValueError) as error:
            # smtplib's errors are OSErrors; the link stays valid and was shown to whoever made it.
            log.warning("mail_not_sent", to=to, subject=subject, error=str(error))
            return False
        return True
