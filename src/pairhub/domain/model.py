"""Domain vocabulary: unit ids and auto-pairing states."""

from __future__ import annotations

import re
from enum import StrEnum

UNIT_ID_PATTERN = r"^[a-z][a-z0-9]{0,31}:[A-Za-z0-9]{1,64}$"
_UNIT_ID = re.compile(UNIT_ID_PATTERN)


def is_valid_unit_id(unit_id: str) -> bool:
    """True for `type:serial` ids such as `tp:890123847562332`."""
    # fullmatch: with `match`, `$` also matches before a trailing newline (`tp:1\n` would pass).
    return bool(_UNIT_ID.fullmatch(unit_id))


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
