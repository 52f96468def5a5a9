"""Explainable outcomes: why an auto-pairing attempt ended as it did, kept beside its event."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from pairhub.domain.events import PairingEvent, Reason
from pairhub.domain.vin import (
    MIN_SENSOR_VIN_LENGTH,
    SERIAL_START,
    VIN_LENGTH,
    check_digit_valid,
    in_vin_alphabet,
    is_one_typo_match,
    is_truncated_match,
    normalize_vin,
)


class Rule(StrEnum):
    """The matching rule that decided an attempt."""

    EXACT = "exact"
    P1 = "P1"
    P2 = "P2"
    NONE = "none"
    INVALID = "invalid"
    ERROR = "error"


@dataclass(frozen=True)
class Candidate:
    """An asset the attempt considered, the rule that made it a candidate and, for P2, where it differs."""

    asset_id: str
    asset_vin: str | None
    rule: Rule
    differing_position: int | None = None
    """1-based position of the one differing character (P2 only)."""


@dataclass(frozen=True)
class Diagnosis:
    """The diagnostic record of one auto-pairing attempt; `id` is given by the storage."""

    organization_id: str
    unit_id: str
    at: int
    outcome: str
    raw_vin: str | None
    normalized_vin: str
    removed: tuple[str, ...]
    rule: Rule
    invalid_reason: str | None
    candidates: tuple[Candidate, ...]
    check_digit_valid: bool | None
    asset_id: str | None = None
    id: int = 0


def _has_lowercase(ascii_text: str) -> bool:
    return ascii_text.upper() != ascii_text


def removed_by_normalization(raw: str | None) -> tuple[str, ...]:
    """What normalization dropped or changed in a raw VIN, in words an operator reads."""
    if raw is None:
        return ()
    if raw.isascii() and raw.isalnum() and not _has_lowercase(raw):
        return ()  # the common case: nothing to remove (no '*', space, '-', NUL, 0xFF nor a-z)
    removed: list[str] = []
    head, star, tail = raw.partition("*")
    if star:
        removed.append(f"everything from the '*' terminator on ({len(tail) + 1} characters)")
    for label, present in (
        ("whitespace", any(c.isspace() for c in head)),
        ("'-'", "-" in head),
        ("NUL padding", "\x00" in head),
        ("0xFF padding", "\xff" in head),
    ):
        if present:
            removed.append(label)
    if any("a" <= c <= "z" for c in head):
        removed.append("lowercase (uppercased)")
    return tuple(removed)


def invalid_reason(raw: str | None, normalized: str) -> str | None:
    """Why a normalized sensor VIN is InvalidData, or None when it may be matched."""
    if raw is None:
        return "no VIN reported (null)"
    if not normalized:
        return "empty after normalization"
    if not in_vin_alphabet(normalized):
        outside = sorted({c for c in normalized if not in_vin_alphabet(c)})
        return "characters outside the VIN alphabet: " + " ".join(repr(c) for c in outside)
    if len(normalized) < MIN_SENSOR_VIN_LENGTH:
        return f"too short: {len(normalized)} characters, at least {MIN_SENSOR_VIN_LENGTH}"
    if len(normalized) > VIN_LENGTH:
        return f"too long: {len(normalized)} characters, at most {VIN_LENGTH}"
    if len(set(normalized)) == 1:
        return "one repeated character"
    return None


def candidate(sensor_vin: str, asset_id: str, asset_vin: str | None) -> Candidate:
    """How an asset relates to a sensor VIN: exact, P1, P2 (with the differing position) or none."""
    if asset_vin is None:
        return Candidate(asset_id, None, Rule.NONE)
    if asset_vin == sensor_vin:
        return Candidate(asset_id, asset_vin, Rule.EXACT)
    if is_truncated_match(sensor_vin, asset_vin):
        return Candidate(asset_id, asset_vin, Rule.P1)
    if is_one_typo_match(sensor_vin, asset_vin):
        position = next(i for i in range(SERIAL_START) if sensor_vin[i] != asset_vin[i])
        return Candidate(asset_id, asset_vin, Rule.P2, position + 1)
    return Candidate(asset_id, asset_vin, Rule.NONE)


def _rule_of(reason: Reason | None, candidates: tuple[Candidate, ...]) -> Rule:
    if reason is Reason.INVALID_DATA:
        return Rule.INVALID
    if reason is Reason.UNKNOWN:
        return Rule.ERROR
    if reason is Reason.AUTO_PAIR and candidates:
        return candidates[0].rule
    if reason is Reason.MULTIPLE_MATCH_FOUND:
        rules = {c.rule for c in candidates}
        return rules.pop() if len(rules) == 1 else Rule.NONE
    return Rule.NONE


def diagnose(event: PairingEvent, raw: str | None, asset_vins: Mapping[str, str | None]) -> Diagnosis:
    """The diagnosis of an auto-pairing event, from the raw VIN and the VINs of the assets it names.

    `raw` is the value as reported; when the attempt did not come from a message (a reminder or a
    re-match) it is the stored normalized VIN. InvalidData events carry the raw value themselves.
    """
    invalid = event.reason is Reason.INVALID_DATA
    if invalid:
        raw = raw if raw is not None else event.sensor_vin
        sensor = normalize_vin(raw)
    else:
        # The event's sensor VIN is normalized already; the raw value is normalized when it has none.
        sensor = event.sensor_vin or normalize_vin(raw)
    if event.reason is Reason.AUTO_PAIR and event.asset_vin is not None and event.asset_id is not None:
        candidates: tuple[Candidate, ...] = (candidate(sensor, event.asset_id, event.asset_vin),)
    else:
        named = (event.asset_id,) if event.asset_id is not None else event.candidate_asset_ids
        candidates = tuple(candidate(sensor, asset_id, asset_vins.get(asset_id)) for asset_id in named)
    return Diagnosis(
        organization_id=event.organization_id,
        unit_id=event.unit_id,
        at=event.registered_at_ms,
        outcome=str(event.reason),
        raw_vin=raw,
        normalized_vin=sensor,
        removed=removed_by_normalization(raw),
        rule=_rule_of(event.reason, candidates),
        invalid_reason=invalid_reason(raw, sensor) if invalid else None,
        candidates=candidates,
        check_digit_valid=check_digit_valid(sensor) if len(sensor) == VIN_LENGTH else None,
        asset_id=event.asset_id,
    )


AUTO_REASONS = frozenset(
    {Reason.AUTO_PAIR, Reason.INVALID_DATA, Reason.NOT_FOUND, Reason.MULTIPLE_MATCH_FOUND, Reason.UNKNOWN}
)
"""The reasons of events that end an auto-pairing attempt (each gets a diagnosis)."""
