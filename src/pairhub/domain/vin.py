"""VIN normalization, validation and the exact/partial matching rules (SPEC section 1)."""

from __future__ import annotations

import functools
import operator
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

VIN_LENGTH = 17
MIN_SENSOR_VIN_LENGTH = 6
SERIAL_START = 11
"""Positions 12-17 (index 11 on) are the serial part: a typo there is a different vehicle."""
MAX_REPORTED_VIN_LENGTH = 64
"""The longest VIN a unit may report, as sent: ingest refuses longer ones (`vin_too_long`) and the
published schemas bound `sensorVIN` by it, so every event carries what its schema allows."""

_VIN_ALPHABET = re.compile(r"[A-HJ-NPR-Z0-9]+")
# ASCII letters only: `str.upper` turns the long s (U+017F) into `S` and the ligature U+FB05
# into `ST`, which would correct garbage into a VIN.
_NORMALIZED = str.maketrans(string.ascii_lowercase, string.ascii_uppercase, " \t\r\n\v\f-\x00\xff")
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def normalize_vin(raw: str | None) -> str:
    """Uppercase, drop whitespace, dashes and NUL/0xFF padding, and cut at the J1939 `*` terminator."""
    if raw is None:
        return ""
    # Cut first: whatever follows the terminator is padding from the TBS/EBS, not VIN.
    head = raw.split("*", 1)[0]
    return "".join(head.split()).translate(_NORMALIZED)


def is_text(raw: str) -> bool:
    """True when `raw` is Unicode text that JSON payloads can carry (no lone surrogate)."""
    if raw.isascii():
        return True
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def in_vin_alphabet(vin: str) -> bool:
    """True when every character is a legal VIN character (I, O and Q never are)."""
    # fullmatch: with `match`, `$` also matches before a trailing newline.
    return bool(_VIN_ALPHABET.fullmatch(vin))


def is_valid_asset_vin(vin: str) -> bool:
    """True for a full 17-character VIN in the VIN alphabet (the check digit is not enforced)."""
    return len(vin) == VIN_LENGTH and in_vin_alphabet(vin)


def check_digit_valid(vin: str) -> bool:
    """True when position 9 holds the ISO 3779 / North American check digit of a 17-character VIN."""
    if not is_valid_asset_vin(vin):
        return False
    # map over C functions, not a generator: auto pairing checks every sensor VIN it diagnoses.
    total = sum(map(operator.mul, map(_TRANSLITERATION.__getitem__, vin), _WEIGHTS))
    remainder = total % 11
    return vin[8] == ("X" if remainder == 10 else str(remainder))


NORTH_AMERICAN_REGIONS = frozenset("12345")
"""The first character of a VIN made for North America (United States, Canada, Mexico), where the
check digit in position 9 is mandatory; elsewhere (Europe's `W`, `V`, `Z`, …) it is not used."""


def check_digit_applies(vin: str) -> bool:
    """True for a full VIN of a North American maker, whose position 9 must be the check digit."""
    return is_valid_asset_vin(vin) and vin[0] in NORTH_AMERICAN_REGIONS


def is_usable_sensor_vin(vin: str) -> bool:
    """True when a normalized sensor VIN may be matched; False means the InvalidData outcome."""
    return (
        MIN_SENSOR_VIN_LENGTH <= len(vin) <= VIN_LENGTH
        and in_vin_alphabet(vin)
        # A VIN of one repeated character is a placeholder the TBS/EBS was shipped with.
        and len(set(vin)) > 1
    )


def reversed_vin(vin: str) -> str:
    """The VIN read backwards, so 'ends with' becomes an indexable prefix range."""
    return vin[::-1]


def serial_part(vin: str) -> str:
    """The serial part used to index P2 candidates (empty for VINs shorter than 17)."""
    return vin[SERIAL_START:] if len(vin) == VIN_LENGTH else ""


def is_truncated_match(sensor_vin: str, asset_vin: str) -> bool:
    """P1: a 6-16 character sensor VIN that the asset VIN ends with."""
    return MIN_SENSOR_VIN_LENGTH <= len(sensor_vin) < VIN_LENGTH and asset_vin.endswith(sensor_vin)


def is_one_typo_match(sensor_vin: str, asset_vin: str) -> bool:
    """P2: same serial part, and exactly one differing position before it."""
    if len(sensor_vin) != VIN_LENGTH or len(asset_vin) != VIN_LENGTH:
        return False
    if sensor_vin[SERIAL_START:] != asset_vin[SERIAL_START:]:
        return False
    differences = sum(
        s != a for s, a in zip(sensor_vin[:SERIAL_START], asset_vin[:SERIAL_START], strict=True)
    )
    return differences == 1


def is_partial_match(sensor_vin: str, asset_vin: str) -> bool:
    """True when the asset VIN is a P1 or P2 candidate for the sensor VIN."""
    return is_truncated_match(sensor_vin, asset_vin) or is_one_typo_match(sensor_vin, asset_vin)


class MatchKind(StrEnum):
    """How a sensor VIN was resolved against an organization's assets."""

    EXACT = "exact"
    PARTIAL = "partial"
    MULTIPLE = "multiple"
    NONE = "none"


@dataclass(frozen=True)
class MatchResult:
    """The outcome of matching: the asset to pair with (and its VIN), or the sorted candidates, or nothing."""

    kind: MatchKind
    asset_id: str | None = None
    candidate_asset_ids: tuple[str, ...] = ()
    asset_vin: str | None = None


def decide_match(
    sensor_vin: str,
    exact_asset_id: str | None,
    partial_candidates: Iterable[tuple[str, str]],
) -> MatchResult:
    """Decide the match from the exact hit and (asset id, asset VIN) pairs that may be partial hits.

    The candidates are re-checked here so that an adapter's broader index lookup can never widen the rule.
    """
    if exact_asset_id is not None:
        return MatchResult(MatchKind.EXACT, asset_id=exact_asset_id, asset_vin=sensor_vin)
    candidates = {
        asset_id: asset_vin
        for asset_id, asset_vin in partial_candidates
        if is_partial_match(sensor_vin, asset_vin)
    }
    if len(candidates) == 1:
        [(asset_id, asset_vin)] = candidates.items()
        return MatchResult(MatchKind.PARTIAL, asset_id=asset_id, asset_vin=asset_vin)
    if candidates:
        return MatchResult(MatchKind.MULTIPLE, candidate_asset_ids=tuple(sorted(candidates)))
    return MatchResult(MatchKind.NONE)


def decide_among(sensor_vin: str, candidates: Iterable[tuple[str, str]]) -> MatchResult:
    """Decide the match from (asset id, asset VIN) pairs that may hold the exact hit and the partial ones."""
    pairs = list(candidates)
    exact = next((asset_id for asset_id, asset_vin in pairs if asset_vin == sensor_vin), None)
    return decide_match(sensor_vin, exact, pairs)


@dataclass(frozen=True)
class ReportedVin:
    """A VIN as a unit reported it: the raw value (None when reported as null) and its normalized form."""

    raw: str | None
    normalized: str

    @classmethod
    def of(cls, reported: str | None) -> ReportedVin:
        """Normalize a reported value; the raw form keeps everything but NUL padding.

        NUL cannot be stored in a PostgreSQL text column, and as padding it carries no information.
        """
        return _reported(reported)

    @property
    def event_sensor_vin(self) -> str | None:
        """The InvalidData `sensorVIN`: the raw value, absent when nothing usable was reported at all."""
        return self.raw if self.normalized else None


@functools.lru_cache(maxsize=65_536)
def _reported(reported: str | None) -> ReportedVin:
    # Units report the same VIN with every message: normalize it once per VIN, not once per message
    # (a steady-state ingest request holds a thousand). The records are frozen, so sharing is safe.
    raw = None if reported is None else reported.replace("\x00", "")
    return ReportedVin(raw, normalize_vin(raw))
