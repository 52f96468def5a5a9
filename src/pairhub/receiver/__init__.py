"""Receiver library for integrators: verify, parse, deduplicate and apply pairhub webhook batches.

It depends on nothing else of pairhub, so it can be vendored into a receiving application.
"""

from pairhub.receiver.events import (
    Batch,
    Location,
    PairedEvent,
    UnpairedEvent,
    parse_batch,
)
from pairhub.receiver.signing import InvalidSignature, verify
from pairhub.receiver.state import (
    DedupeStore,
    InMemoryDedupeStore,
    PairingsView,
    Receiver,
)

__all__ = [
    "Batch",
    "DedupeStore",
    "InMemoryDedupeStore",
    "InvalidSignature",
    "Location",
    "PairedEvent",
    "PairingsView",
    "Receiver",
    "UnpairedEvent",
    "parse_batch",
    "verify",
]
