"""What the UI calls each state, and what it means (the SPEC's words), shown as a tooltip."""

from __future__ import annotations

from typing import NamedTuple

from pairhub.domain.feeds import FeedState
from pairhub.domain.model import AutoPairingState
from pairhub.domain.subscriptions import BatchStatus, SubscriptionState
from pairhub.domain.vin import check_digit_applies, check_digit_valid, is_valid_asset_vin
from pairhub.domain.vocabulary import (
    ATTEMPT_WORDS,
    EVENT_WORDS,
    PAIRING_OUTCOMES,
    RULES,
    UNPAIRED,
    AttemptResult,
    EventCount,
    Word,
    result_of,
)


class Label(NamedTuple):
    """A state's name for people, and its meaning in a sentence."""

    text: str
    meaning: str


UNIT_STATES: dict[str, Label] = {
    AutoPairingState.IDLE: Label(
        "No VIN reported yet", "The unit has not reported a VIN that auto pairing could act on yet."
    ),
    AutoPairingState.PAIRED: Label("Paired", "Mounted on an asset; its messages only refresh its state."),
    AutoPairingState.DISABLED: Label(
        "Auto pairing off", "The organization's auto pairing is switched off (see Settings)."
    ),
    AutoPairingState.SUPPRESSED: Label(
        "Suppressed after unpair",
        "Unpaired by hand: auto pairing leaves the unit alone until it reports a different VIN.",
    ),
    AutoPairingState.INVALID_DATA: Label(
        "Unusable VIN",
        "The reported VIN is missing, shorter than 6 or longer than 17 characters, repeats one character, "
        "or holds a character outside A-H, J-N, P, R-Z and 0-9.",
    ),
    AutoPairingState.NOT_FOUND: Label(
        "VIN not found",
        "No asset's VIN matches the reported VIN. Reminders follow every reminder interval within the "
        "reminder window; creating the asset or correcting its VIN pairs the unit at once.",
    ),
    AutoPairingState.MULTIPLE_MATCH_FOUND: Label(
        "Several matching assets",
        "The reported VIN matches several assets partially; one of them must be picked by hand.",
    ),
    AutoPairingState.UNKNOWN: Label(
        "Error, will retry", "An unexpected error stopped the attempt; it is tried again on a later message."
    ),
}

SUBSCRIPTION_STATES: dict[str, Label] = {
    SubscriptionState.ACTIVE: Label("Active", "Events are delivered as they come."),
    SubscriptionState.PAUSED: Label("Paused", "Paused by hand: events wait until delivery is resumed."),
    SubscriptionState.ON_HOLD: Label(
        "On hold",
        "Every retry of a batch failed: events keep waiting, the held batch is probed periodically and "
        "delivery resumes by itself when it succeeds.",
    ),
    SubscriptionState.DISABLED: Label(
        "Disabled", "The receiver answered 410 Gone: nothing is sent until delivery is resumed."
    ),
}

BATCH_STATUSES: dict[str, Label] = {
    BatchStatus.PENDING: Label("Waiting", "Not delivered yet: sent or retried at its next try."),
    BatchStatus.DELIVERED: Label("Delivered", "The receiver answered 2xx."),
    BatchStatus.FAILED: Label("Refused", "The receiver refused it with a 4xx answer; it is not retried."),
    BatchStatus.EXPIRED: Label("Expired", "Its events waited longer than the event retention."),
}

FEED_STATES: dict[str, Label] = {
    FeedState.ACTIVE: Label("Active", "Polls are answered with the events after the feed's position."),
    FeedState.PAUSED: Label(
        "Paused",
        "Paused by hand: polls answer 404 and events wait at the feed's position until it is resumed.",
    ),
}

_KINDS = {
    "unit": UNIT_STATES,
    "subscription": SUBSCRIPTION_STATES,
    "batch": BATCH_STATUSES,
    "feed": FEED_STATES,
}


def label_of(kind: str, state: object) -> Label:
    """The label of a unit, subscription, batch or feed state; an unexpected value is shown as it is."""
    value = str(getattr(state, "value", state))
    return _KINDS[kind].get(value, Label(value, value))


def count_word(noun: str, word: str) -> Word:
    """The vocabulary's word for what became of events (`delivered`…) or attempts (`succeeded`…)."""
    if noun == "events":
        return EVENT_WORDS[EventCount(word)]
    return ATTEMPT_WORDS[AttemptResult(word)]


def reason_text(reason: str | None) -> str:
    """A pairing event's outcome in words: `paired automatically`, `VIN not found`, `unpaired`."""
    word = PAIRING_OUTCOMES.get(reason or UNPAIRED)
    return word.text if word else str(reason)


def rule_word(rule: object) -> Word:
    """A matching rule in words, its definition as the meaning."""
    value = str(getattr(rule, "value", rule))
    return RULES.get(value, Word(value, value))


def check_digit_text(vin: str | None) -> str:
    """The check-digit verdict where a check digit applies (North American VINs), and why not elsewhere."""
    if not vin or not is_valid_asset_vin(vin):
        return "not checked (not a full VIN)"
    if not check_digit_applies(vin):
        return "not used (VIN made outside North America)"
    return "valid" if check_digit_valid(vin) else "invalid"


def attempt_text(outcome: str) -> str:
    """An attempt's outcome in the vocabulary: `succeeded`, `retried`, `refused` (or `not recorded`)."""
    result = result_of(outcome)
    return ATTEMPT_WORDS[result].text if result else "not recorded"
