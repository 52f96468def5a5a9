"""Values from outside (query strings, forms, path segments), each parsed by one function.

Every parser returns the value or `None` for a refusal the caller turns into its own answer; none
raises on any text. `str.isdigit()` is not a number check (`"²".isdigit()` is true, `int("²")`
raises), and 30 digits overflow a database integer, so numbers are ASCII digits of bounded length.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""C0 (NUL, line breaks, escape), DEL and C1: never part of a name, an id, a URL or a description."""
MAX_SEQUENCE_DIGITS = 18
"""Sequence numbers fit in a signed 64-bit integer (every database's BIGINT) with this many digits."""


def sequence_number(text: str | None) -> int | None:
    """A non-negative whole number of at most 18 ASCII digits, or None."""
    if not text or len(text) > MAX_SEQUENCE_DIGITS or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def has_nul(text: str) -> bool:
    """True when `text` holds a NUL character (PostgreSQL cannot store one in a text column)."""
    return "\x00" in text


def has_control(text: str) -> bool:
    """True when `text` holds a control character (PostgreSQL cannot store NUL; none belongs in one line)."""
    return CONTROL.search(text) is not None


E = TypeVar("E", bound=StrEnum)

MAX_UTC_OFFSET_MINUTES = 14 * 60
"""Time zones lie between UTC-12 and UTC+14."""


def choice(text: str | None, options: type[E]) -> E | None:
    """The member of `options` whose value is `text` exactly, or None."""
    for option in options:
        if text == option.value:
            return option
    return None


def local_instant(text: str | None, utc_offset_minutes: str | None) -> int | None:
    """A browser's `datetime-local` value (`2025-05-13T15:18`, seconds optional) as epoch milliseconds.

    The offset is the browser's `getTimezoneOffset()` at that time (minutes to add to reach UTC, so
    -120 in UTC+2); without one the time is taken as UTC. None when either value is not one of those.
    """
    if not text or len(text) not in (16, 19) or not text.isascii() or text[10:11] != "T":
        return None
    try:
        moment = datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        return None
    offset = 0
    if utc_offset_minutes:
        sign = -1 if utc_offset_minutes.startswith("-") else 1
        minutes = sequence_number(utc_offset_minutes.removeprefix("-"))
        if minutes is None or minutes > MAX_UTC_OFFSET_MINUTES:
            return None
        offset = sign * minutes
    return int(moment.timestamp() * 1000) + offset * 60_000


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_INSTANT_CHARS = 64
"""An ISO 8601 instant is far shorter; longer text is refused before it is parsed."""


def instant(text: str | None) -> int | None:
    """An ISO 8601 date and time with a UTC offset (`Z` or `+02:00`) as epoch milliseconds, or None."""
    if not text or len(text) > MAX_INSTANT_CHARS or not text.isascii() or "T" not in text.upper():
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return (moment - _EPOCH) // timedelta(milliseconds=1)
