"""How values read on the pages: times (shown in local time by static/times.js), durations, a
countdown, service messages, raw reported values and JSON bodies; the templates' filters."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from markupsafe import Markup, escape


def format_time(epoch_ms: int | None) -> Markup:
    """A `<time>` reading `2025-05-13 13:18:13 UTC` (static/times.js shows it in local time), or a dash."""
    if epoch_ms is None:
        return Markup("—")
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    utc = f"{moment:%Y-%m-%d %H:%M:%S} UTC"
    iso = f"{moment:%Y-%m-%dT%H:%M:%S}.{epoch_ms % 1000:03d}Z"
    return Markup('<time datetime="{}" title="{}" data-local>{}</time>').format(iso, utc, utc)


def format_iso_time(text: str | None) -> Markup:
    """A payload's ISO 8601 UTC time (`registeredOn`) as `format_time` shows it; other text as it is."""
    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        return Markup(escape(text or "—"))
    if moment.tzinfo is None:
        return Markup(escape(text))
    return format_time((moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1))


def countdown(until_ms: int, now_ms: int) -> Markup:
    """`in 42 min`, counted down every second in the browser by static/times.js."""
    left = format_duration(until_ms - now_ms)
    return Markup('<span data-countdown-to="{}">in {}</span>').format(until_ms, left)


def prose(text: str | None) -> Markup:
    """A service's message for people: `quoted` names are set as code instead of showing backticks."""
    parts = str(escape(text or "")).split("`")
    if len(parts) % 2 == 0:
        return Markup("`".join(parts))  # an unpaired backtick is left as it is
    return Markup("".join(f"<code>{part}</code>" if index % 2 else part for index, part in enumerate(parts)))


def format_duration(ms: int) -> str:
    """A duration in words a person reads at a glance (`1 h 5 min`, `42 s`)."""
    seconds = max(0, ms // 1000)
    if seconds < 60:
        return f"{seconds} s"
    minutes, _ = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} d {hours % 24} h"


def visible(raw: str | None) -> str:
    """A raw reported value with control and padding characters spelled out (NUL as \\x00, 0xFF as \\xff)."""
    if raw is None:
        return ""
    # U+00FF is printable, but in a reported VIN it is always J1939 padding (0xFF), never a letter.
    return "".join(ch if ch.isprintable() and ch != "\xff" else f"\\x{ord(ch):02x}" for ch in raw)


def pretty_json(value: Any) -> str:
    """Indented JSON for reading."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def json_body(raw: str | bytes | None) -> str:
    """A stored JSON body, indented for reading (as is when it is not JSON)."""
    if raw is None:
        return ""
    try:
        return pretty_json(json.loads(raw))
    except ValueError:
        return raw.decode(errors="replace") if isinstance(raw, bytes) else raw
