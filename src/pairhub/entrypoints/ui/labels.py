"""What the UI calls each state, and what it means (the SPEC's words), shown as a tooltip."""

from __future__ import annotations

from typing import NamedTuple

from pairhub.domain.delivery import BatchStatus, SubscriptionState
from pairhub.domain.model import AutoPairingState


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
        "The reported VIN matches several assets partially; pick the right one on the unit's page.",
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

_KINDS = {"unit": UNIT_STATES, "subscription": SUBSCRIPTION_STATES, "batch": BATCH_STATUSES}


def label_of(kind: str, state: object) -> Label:
    """The label of a unit, subscription or batch state; an unexpected value is shown as it is."""
    value = str(getattr(state, "value", state))
    return _KINDS[kind].get(value, Label(value, value))
