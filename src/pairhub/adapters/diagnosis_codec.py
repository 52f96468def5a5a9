"""The JSON form of a diagnosis's lists, shared by the SQL adapter and its tests."""

from __future__ import annotations

import json

from pairhub.domain.diagnosis import Candidate, Rule

# One encoder for every diagnosis: `json.dumps` with options builds a new encoder at each call,
# which cost more than the encoding (two calls an auto pairing).
_COMPACT = json.JSONEncoder(separators=(",", ":"))


def dump_candidates(candidates: tuple[Candidate, ...]) -> str:
    """Candidates as a compact JSON array."""
    return _COMPACT.encode(
        [[c.asset_id, c.asset_vin, c.rule.value, c.differing_position] for c in candidates]
    )


def load_candidates(text: str) -> tuple[Candidate, ...]:
    """Candidates from their JSON array."""
    return tuple(Candidate(a, v, Rule(r), p) for a, v, r, p in json.loads(text))


def dump_removed(removed: tuple[str, ...]) -> str:
    """What normalization removed, as a JSON array of strings."""
    return _COMPACT.encode(list(removed)) if removed else "[]"  # nothing removed: the common case


def load_removed(text: str) -> tuple[str, ...]:
    """What normalization removed, from its JSON array."""
    return tuple(json.loads(text))
