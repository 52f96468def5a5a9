"""Domain vocabulary: unit ids, auto-pairing states, and the refusals a use case can raise."""

from __future__ import annotations

import re
from enum import StrEnum

UNIT_ID_PATTERN = r"^[a-z][a-z0-9]{0,31}:[A-Za-z0-9]{1,64}$"
_UNIT_ID = re.compile(UNIT_ID_PATTERN)


def is_valid_unit_id(unit_id: str) -> bool:
    """True for `type:serial` ids such as `tp:890123847562332`."""
    return bool(_UNIT_ID.match(unit_id))


class AutoPairingState(StrEnum):
    """Where a unit stands in auto pairing, as the API exposes it."""

    IDLE = "idle"
    PAIRED = "paired"
    DISABLED = "disabled"
    SUPPRESSED = "suppressed"
    INVALID_DATA = "invalidData"
    NOT_FOUND = "notFound"
    MULTIPLE_MATCH_FOUND = "multipleMatchFound"
    UNKNOWN = "unknown"


class DomainError(Exception):
    """A refusal with a stable problem code, an HTTP-ish status and extra fields for the client."""

    status = 400
    code = "bad_request"

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    """The object does not exist in the caller's organization."""

    status = 404

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class Conflict(DomainError):
    """The request contradicts the current state."""

    status = 409

    def __init__(self, code: str, detail: str, **extra: object) -> None:
        super().__init__(detail, **extra)
        self.code = code


class Invalid(DomainError):
    """The request is well-formed but a field breaks a domain rule."""

    status = 422

    def __init__(self, code: str, detail: str, **extra: object) -> None:
        super().__init__(detail, **extra)
        self.code = code


class Forbidden(DomainError):
    """The caller is authenticated but may not do this."""

    status = 403

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
