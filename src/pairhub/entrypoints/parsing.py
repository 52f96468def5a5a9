"""Values from outside (query strings, forms, path segments), each parsed by one function.

Every parser returns the value or `None` for a refusal the caller turns into its own answer; none
raises on any text. `str.isdigit()` is not a number check (`"²".isdigit()` is true, `int("²")`
raises), and 30 digits overflow a database integer, so numbers are ASCII digits of bounded length.
"""

from __future__ import annotations

import re

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
