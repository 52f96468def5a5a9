"""Receiver library for integrators: verify, parse, deduplicate and apply pairhub webhook batches.

It depends on nothing else of pairhub: the same files are the distribution `pairhub-receiver` (see
receiver/), installed as `pairhub_receiver`, which is why its modules import each other relatively.
"""

from .events import (
    Batch,
    Location,
    PairedEvent,
    UnpairedEvent,
    parse_batch,
)
from .signing import InvalidSignature, verify
from .state import (
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
