"""JSON text from outside, bounded: nesting depth and number size, checked before any parser recurses.

Python's parser recurses once a level (100,000 nested arrays end in `RecursionError`) and refuses an
integer of more than 4,300 digits with `ValueError`; msgspec recurses too. Every JSON body and payload
therefore passes `refusal` (or `load`, which parses as well) first: a nesting deeper than `MAX_DEPTH`
or a number of more than `MAX_DIGITS` digits in a row is malformed JSON (400 `malformed_json`), never
a 500. No value of the API comes near either bound.
"""

from __future__ import annotations

import json
import re

import orjson

MAX_DEPTH = 64
"""Levels of arrays and objects within one another."""
MAX_DIGITS = 100
"""Digits in a row in one number (its integer part, its fraction or its exponent)."""

_LONG_NUMBER = re.compile(rb"[0-9]{%d}" % (MAX_DIGITS + 1))
_TOO_DEEP = f"JSON nests at most {MAX_DEPTH} levels deep."
_TOO_LONG = f"A number in JSON has at most {MAX_DIGITS} digits in a row."
_INVALID = "The body is not valid JSON."


class MalformedJson(ValueError):
    """The text is not JSON, or not JSON within the bounds; `detail` says which."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def refusal(body: bytes) -> str | None:
    """Why `body` is not JSON within the bounds, or None when Python's own parser can take it safely."""
    try:
        load(body, lenient=True)
    except MalformedJson as error:
        return error.detail
    return None


def load(body: bytes, lenient: bool = False) -> object:
    """The JSON value of `body` within the bounds, or MalformedJson.

    orjson parses (it stops at 1,024 levels and reads long numbers as floats); `lenient` also takes
    what only Python's parser takes (NaN, integers beyond 64 bits), for callers that refuse such values
    one by one with a better reason.
    """
    if _long_number(body):
        raise MalformedJson(_TOO_LONG)
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        if not lenient or "depth" in str(error):
            raise MalformedJson(_TOO_DEEP if "depth" in str(error) else _INVALID) from error
        try:
            document = json.loads(body)
        except RecursionError as python_error:
            raise MalformedJson(_TOO_DEEP) from python_error
        except ValueError as python_error:  # JSONDecodeError, UnicodeDecodeError, too many digits
            raise MalformedJson(_INVALID) from python_error
    # Fewer brackets than the bound cannot nest deeper: the common case costs two counts.
    if body.count(b"[") + body.count(b"{") > MAX_DEPTH and deeper_than(document, MAX_DEPTH):
        raise MalformedJson(_TOO_DEEP)
    return document


def _long_number(body: bytes) -> bool:
    """Whether a run of more than MAX_DIGITS digits stands outside a string (one pass over the text)."""
    inside, counted = False, 0
    for run in _LONG_NUMBER.finditer(body):
        start = run.start()
        # Quotes since the last run, less the escaped ones, say whether this run is inside a string.
        quotes = body.count(b'"', counted, start) - body.count(b'\\"', counted, start)
        inside ^= quotes % 2 == 1
        counted = start
        if not inside:
            return True
    return False


def deeper_than(document: object, limit: int) -> bool:
    """Whether parsed JSON nests more than `limit` levels (walked without recursion)."""
    pending: list[tuple[object, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        children = value.values() if type(value) is dict else value if type(value) is list else ()
        for child in children:
            if type(child) is dict or type(child) is list:
                if depth + 1 > limit:
                    return True
                pending.append((child, depth + 1))
    return False
