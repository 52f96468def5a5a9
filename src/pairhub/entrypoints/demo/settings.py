"""Demo mode's settings: a compressed clock (`PAIRHUB_DEMO_SPEED`) and loopback webhooks."""

from __future__ import annotations

import math
import os
from typing import Any
from urllib.parse import urlsplit

from pairhub.config import Settings

SPEED_VARIABLE = "PAIRHUB_DEMO_SPEED"

# The compressed clock of the demo: a reminder every 20 s for 4 min instead of every hour for 48 h.
DEMO_DURATIONS_S = {"reminder_interval": 20.0, "reminder_window": 240.0}


def demo_speed() -> float:
    """The demo's speed factor from `PAIRHUB_DEMO_SPEED` (1 when unset; 20 runs it 20 times faster)."""
    raw = os.environ.get(SPEED_VARIABLE, "").strip()
    if not raw:
        return 1.0
    speed = float(raw)
    if not math.isfinite(speed) or speed <= 0:
        raise ValueError(f"{SPEED_VARIABLE} must be a positive number, not {raw!r}")
    return speed


def demo_settings() -> Settings:
    """Settings of demo mode: the compressed clock where the environment is silent, loopback webhooks."""
    speed = demo_speed()
    defined = {name.upper() for name in os.environ}
    overrides: dict[str, Any] = {
        name: seconds / speed
        for name, seconds in DEMO_DURATIONS_S.items()
        if f"PAIRHUB_{name.upper()}" not in defined
    }
    # The built-in receiver is this very process, reached over plain HTTP on loopback.
    overrides["allow_private_webhook_targets"] = True
    overrides["allow_insecure_webhooks"] = True
    return Settings(**overrides)


def loopback_url(base_url: str) -> str:
    """`base_url` as this process reaches itself: a wildcard listen address becomes 127.0.0.1."""
    parts = urlsplit(base_url)
    host = parts.hostname or "127.0.0.1"
    if host in {"0.0.0.0", "::", ""}:
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}:{parts.port}"
