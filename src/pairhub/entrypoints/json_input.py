"""JSON text from outside, bounded: nesting depth and number size, checked before any parser recurses.

Python's parser recurses once a level (100,000 nested arrays end in `RecursionError`) and refuses an
integer of more than 4,300 digits with `ValueError`; msgspec recurses too. Every JSON body and payload
therefore passes `screen` (or `load`, which parses as well) first: a nesting deeper than `MAX_DEPTH`
or a number of more than `MAX_DIGITS` digits in a row is malformed JSON (400 `malformed_json`), never
a 500. No value of the API comes near either bound.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import orjson

MAX_DEPTH = 64
"""Levels of arrays and objects within one another."""
MAX_DIGITS = 100
"""Digits in a row in one number (its integer part, its fraction or its exponent)."""
MAX_MEMBERS = 1000
"""Members of one object, and (ten times as many) items of one array, in a body the API validates:
a validator explains every refused member, so a body of 150,000 unknown keys would cost seconds."""
MAX_ITEMS = 10 * MAX_MEMBERS

_LONG_NUMBER = re.compile(rb"[0-9]{%d}" % (MAX_DIGITS + 1))
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_ZEROS = b"0" * (MAX_DIGITS + 1)
_TOO_DEEP = f"JSON nests at most {MAX_DEPTH} levels deep."
_TOO_LONG = f"A number in JSON has at most {MAX_DIGITS} digits in a row."
_INVALID = "The body is not valid JSON."


def is_json_type(content_type: bytes | None) -> bool:
    """Whether a Content-Type value names JSON: `application/json` or `application/*+json`, any
    parameters and letter case (the media types FastAPI parses as JSON)."""
    if not content_type:
        return False
    kind, _, subtype = content_type.split(b";", 1)[0].strip().lower().partition(b"/")
    return kind == b"application" and (subtype == b"json" or subtype.endswith(b"+json"))


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


@dataclass(frozen=True)
class Refusal:
    """Why a body is refused before its route sees it: 400 beyond the bounds, 422 too large a container."""

    status: int
    detail: str
    where: tuple[str, ...] = ()
    """For 422: the path (keys and indexes) of the container too large."""


def screen(body: bytes) -> Refusal | None:
    """A JSON body checked before a route's own parser (Python's) takes it; None when it may.

    Beyond the bounds is 400 (`load`); an object of more than MAX_MEMBERS members or an array of more
    than MAX_ITEMS items is 422. Text with few brackets and separators is not parsed here at all.
    """
    if _long_number(body):
        return Refusal(400, _TOO_LONG)
    brackets = body.count(b"[") + body.count(b"{")
    if brackets <= MAX_DEPTH and body.count(b":") <= MAX_MEMBERS and body.count(b",") <= MAX_MEMBERS:
        return None  # cannot nest deeper nor hold a large container: the common case costs a few scans
    try:
        document = load(body, lenient=True)
    except MalformedJson as error:
        return Refusal(400, error.detail)
    where = _large_container(document)
    if where is None:
        return None
    detail = f"At most {MAX_MEMBERS} members in an object and {MAX_ITEMS} items in an array."
    return Refusal(422, detail, where)


def _large_container(document: object) -> tuple[str, ...] | None:
    pending: list[tuple[object, tuple[str, ...]]] = [(document, ())]
    while pending:
        value, path = pending.pop()
        if type(value) is dict:
            if len(value) > MAX_MEMBERS:
                return path
            pending.extend(
                (child, (*path, key)) for key, child in value.items() if type(child) in (dict, list)
            )
        elif type(value) is list:
            if len(value) > MAX_ITEMS:
                return path
            pending.extend(
                (child, (*path, str(index)))
                for index, child in enumerate(value)
                if type(child) in (dict, list)
            )
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
    if body.translate(_DIGITS_AS_ZERO).find(_ZEROS) < 0:
        return False  # no such run anywhere: two passes in C
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
