"""The JSON form of a diagnosis's lists, shared by the SQL adapter and its tests."""

from __future__ import annotations

import json

from pairhub.domain.diagnosis import Candidate, Rule


def dump_candidates(candidates: tuple[Candidate, ...]) -> str:
    """Candidates as a compact JSON array."""
    return json.dumps(
        [[c.asset_id, c.asset_vin, c.rule.value, c.differing_position] for c in candidates],
        separators=(",", ":"),
    )


def load_candidates(text: str) -> tuple[Candidate, ...]:
    """Candidates from their JSON array."""
    return tuple(Candidate(a, v, Rule(r), p) for a, v, r, p in json.loads(text))


def dump_removed(removed: tuple[str, ...]) -> str:
    """What normalization removed, as a JSON array of strings."""
    return json.dumps(list(removed), separators=(",", ":"))


def load_removed(text: str) -> tuple[str, ...]:
    """What normalization removed, from its JSON array."""
    return tuple(json.loads(text))
