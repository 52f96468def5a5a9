"""The words pairhub shows people, each with one meaning: the console, the API's counters, the metrics
and the docs (`docs/ui.md`) all say the same thing with the same word.

Events (what an integrator receives) are *delivered*, *waiting*, *refused* or *expired*. Attempts (the
HTTP requests that carry them) *succeeded*, were *retried* or were *refused*. "Failed" is not used: it
used to mean both an attempt that was retried and a batch the receiver refused for good.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from pairhub.domain.delivery import Outcome
from pairhub.domain.events import Reason


class Word(NamedTuple):
    """A name for people and its meaning in one sentence (shown as a tooltip)."""

    text: str
    meaning: str


class EventCount(StrEnum):
    """What became of a subscription's events."""

    DELIVERED = "delivered"
    WAITING = "waiting"
    REFUSED = "refused"
    EXPIRED = "expired"


class AttemptResult(StrEnum):
    """How one delivery attempt (one HTTP request) ended, in the operator's words."""

    SUCCEEDED = "succeeded"
    RETRIED = "retried"
    REFUSED = "refused"


EVENT_WORDS: dict[EventCount, Word] = {
    EventCount.DELIVERED: Word("delivered", "The receiver answered 2xx to the batch that carried them."),
    EventCount.WAITING: Word(
        "waiting", "Not delivered yet: in the batch being sent or retried, or not cut into a batch yet."
    ),
    EventCount.REFUSED: Word(
        "refused", "The receiver refused their batch for good (a 4xx answer other than 408 and 429)."
    ),
    EventCount.EXPIRED: Word("expired", "They waited longer than the event retention and were dropped."),
}

ATTEMPT_WORDS: dict[AttemptResult, Word] = {
    AttemptResult.SUCCEEDED: Word("succeeded", "The receiver answered 2xx: the batch is delivered."),
    AttemptResult.RETRIED: Word(
        "retried",
        "No answer, a timeout, 408, 429 or 5xx: the same batch is sent again later (on hold: probed).",
    ),
    AttemptResult.REFUSED: Word(
        "refused", "The receiver answered another 4xx (or 410 Gone): the batch is not sent again."
    ),
}

_RESULTS: dict[str, AttemptResult] = {
    Outcome.DELIVERED: AttemptResult.SUCCEEDED,
    Outcome.RETRY: AttemptResult.RETRIED,
    Outcome.ON_HOLD: AttemptResult.RETRIED,
    Outcome.PROBE_FAILED: AttemptResult.RETRIED,
    Outcome.FAILED: AttemptResult.REFUSED,
    Outcome.DISABLED: AttemptResult.REFUSED,
}


def result_of(outcome: str) -> AttemptResult | None:
    """The result of an attempt's outcome; None for an attempt whose answer was not recorded."""
    return _RESULTS.get(outcome)


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`1 event`, `0 events`, `3 batches`: the count and the noun that agrees with it."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


UNPAIRED = "Unpaired"
"""The outcome of a `unit.unpaired` event, which has no `reason`."""

PAIRING_OUTCOMES: dict[str, Word] = {
    Reason.AUTO_PAIR: Word("paired automatically", "Auto pairing matched the unit's VIN with one asset."),
    Reason.MANUAL_PAIR: Word("paired by hand", "Someone paired the unit in the console or through the API."),
    UNPAIRED: Word("unpaired", "The unit was taken off its asset."),
    Reason.NOT_FOUND: Word("VIN not found", "No asset's VIN matches the VIN the unit reports."),
    Reason.MULTIPLE_MATCH_FOUND: Word(
        "several matching assets", "The reported VIN matches several assets partially; one must be picked."
    ),
    Reason.INVALID_DATA: Word("unusable VIN", "The unit reported a value that cannot be a VIN."),
    Reason.UNKNOWN: Word("error, will retry", "An unexpected error stopped the attempt."),
}
"""Pairing activity by outcome, in the order the overview's chart stacks them."""


def outcome_of(event_type: str, reason: str | None) -> str:
    """The pairing outcome an event stands for: its `reason`, or `Unpaired` for an unpairing."""
    return reason if reason else UNPAIRED


HOW_PAIRED: dict[str, str] = {
    "ManualPair": "by hand",
    "AutoPair": "automatically",
    "ManualUnpair": "by hand",
}
VIA: dict[str, str] = {
    "ui": "in the console",
    "api": "through the API",
    "demo": "by the demo",
    "auto": "",
}


def how(by: str | None, via: str | None) -> str:
    """A pairing history entry's "how" in words: `by hand in the console`, `automatically`."""
    parts = [HOW_PAIRED.get(by or "", by or ""), VIA.get(via or "", via or "")]
    return " ".join(part for part in parts if part)


RULES: dict[str, Word] = {
    "exact": Word("exact match", "The reported VIN equals the asset's VIN."),
    "P1": Word(
        "end of the VIN", "The reported VIN (6 to 16 characters) is the end of the asset's VIN (rule P1)."
    ),
    "P2": Word(
        "one character differs",
        "17 characters, the serial (last 6) equal, one of the first 11 characters differs (rule P2).",
    ),
    "none": Word("no match", "No asset's VIN matches, exactly or partially."),
    "invalid": Word("unusable VIN", "The value cannot be a VIN."),
    "error": Word("error", "An unexpected error stopped the attempt."),
}
