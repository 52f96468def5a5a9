"""Refusals a use case can raise: a kind, a stable code and extra fields; the edges choose the status."""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    """What sort of refusal it is (the API maps each kind to one HTTP status)."""

    BAD_REQUEST = "bad_request"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"
    TOO_SOON = "too_soon"
    GONE = "gone"


class DomainError(Exception):
    """A refusal with a stable problem code and extra fields for the client."""

    kind = ErrorKind.BAD_REQUEST

    def __init__(self, code: str, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    """The object does not exist in the caller's organization."""

    kind = ErrorKind.NOT_FOUND


class Conflict(DomainError):
    """The request contradicts the current state."""

    kind = ErrorKind.CONFLICT


class Invalid(DomainError):
    """The request is well-formed but a field breaks a domain rule."""

    kind = ErrorKind.INVALID


class Forbidden(DomainError):
    """The caller is authenticated but may not do this."""

    kind = ErrorKind.FORBIDDEN


class Unauthenticated(DomainError):
    """The caller's credential no longer holds (an API key revoked since it was last read)."""

    kind = ErrorKind.UNAUTHENTICATED


class TooSoon(DomainError):
    """The caller asks again sooner than allowed; `retry_after_s` says when it may."""

    kind = ErrorKind.TOO_SOON

    def __init__(self, code: str, detail: str, retry_after_s: int, **extra: object) -> None:
        super().__init__(code, detail, **extra)
        self.retry_after_s = retry_after_s


class BeyondRetention(DomainError):
    """The cursor points before the oldest entry still held: what followed it was pruned."""

    kind = ErrorKind.GONE

    def __init__(self, oldest_cursor: str | None) -> None:
        super().__init__(
            "beyond_retention",
            "Entries after this cursor were deleted by the retention; read on from `oldestCursor`, the "
            "oldest entry still held (null when none is).",
            oldestCursor=oldest_cursor,
        )
