"""The pure diagnosis of an auto-pairing attempt: normalization, rule, candidates, check digit."""

from __future__ import annotations

import pytest

from pairhub.domain import events
from pairhub.domain.diagnosis import Rule, candidate, diagnose, invalid_reason, removed_by_normalization
from pairhub.domain.events import Reason

ORG = "00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize(
    ("raw", "removed"),
    [
        ("1HGCM82633A000001", ()),
        ("1hgcm82633a000001", ("lowercase (uppercased)",)),
        ("F3A 000-001\x00", ("whitespace", "'-'", "NUL padding")),
        ("F3A000001*\xff\xff", ("everything from the '*' terminator on (3 characters)",)),
        ("000001", ()),
        ("F3a000001", ("lowercase (uppercased)",)),
        ("F3\u00c4000001", ()),
        ("", ()),
        (None, ()),
    ],
)
def test_what_normalization_removed_is_named(raw: str | None, removed: tuple[str, ...]) -> None:
    assert removed_by_normalization(raw) == removed


@pytest.mark.parametrize(
    ("raw", "normalized", "reason"),
    [
        (None, "", "no VIN reported (null)"),
        ("  ", "", "empty after normalization"),
        ("F3AI00001", "F3AI00001", "characters outside the VIN alphabet: 'I'"),
        ("F3A01", "F3A01", "too short: 5 characters, at least 6"),
        ("1HGCM82633A0000012", "1HGCM82633A0000012", "too long: 18 characters, at most 17"),
        ("000000", "000000", "one repeated character"),
        ("F3A000001", "F3A000001", None),
    ],
)
def test_invalid_reasons(raw: str | None, normalized: str, reason: str | None) -> None:
    assert invalid_reason(raw, normalized) == reason


def test_candidates_name_their_rule_and_the_p2_position() -> None:
    assert candidate("1HGCM82633A000001", "a", "1HGCM82633A000001").rule is Rule.EXACT
    assert candidate("A000001", "a", "1HGCM82633A000001").rule is Rule.P1
    typo = candidate("1HGCM82633A000001", "a", "1HGXM82633A000001")
    assert (typo.rule, typo.differing_position) == (Rule.P2, 4)
    assert candidate("1HGCM82633A000001", "a", "WDB9634031L738192").rule is Rule.NONE


def test_a_multiple_match_diagnosis_lists_each_candidate() -> None:
    event = events.auto_pair_failed(
        Reason.MULTIPLE_MATCH_FOUND, ORG, "tp:1", "F3D001", None, 5, candidate_asset_ids=("a", "b")
    )

    found = diagnose(event, " f3d001", {"a": "WDB9634031LF3D001", "b": "YV2A4C2A1VBF3D001"})

    assert (found.rule, found.outcome, found.normalized_vin) == (Rule.P1, "MultipleMatchFound", "F3D001")
    assert [(c.asset_id, c.rule) for c in found.candidates] == [("a", Rule.P1), ("b", Rule.P1)]
    assert found.removed == ("whitespace", "lowercase (uppercased)")
    assert found.check_digit_valid is None


def test_an_unknown_outcome_is_an_error_and_a_not_found_has_no_candidates() -> None:
    unknown = events.auto_pair_failed(Reason.UNKNOWN, ORG, "tp:1", "1M8GDM9AXKP042788", None, 5)
    not_found = events.auto_pair_failed(Reason.NOT_FOUND, ORG, "tp:1", "1M8GDM9AXKP042788", None, 5)

    assert diagnose(unknown, None, {}).rule is Rule.ERROR
    assert diagnose(not_found, "1M8GDM9AXKP042788", {}).rule is Rule.NONE
    assert diagnose(not_found, "1M8GDM9AXKP042788", {}).candidates == ()
    assert diagnose(not_found, "1M8GDM9AXKP042788", {}).check_digit_valid is True


@pytest.mark.parametrize("raw", ["1HGCM82633A000001", " 1hgcm8263-3a000001*"])
def test_an_auto_pair_diagnosis_names_the_paired_asset_and_what_was_removed(raw: str) -> None:
    event = events.auto_pair(ORG, "tp:1", "a", "1HGCM82633A000001", "1HGCM82633A000001", None, 5)

    found = diagnose(event, raw, {})

    assert (found.rule, found.outcome, found.normalized_vin) == (Rule.EXACT, "AutoPair", "1HGCM82633A000001")
    assert [(c.asset_id, c.asset_vin, c.rule) for c in found.candidates] == [
        ("a", "1HGCM82633A000001", Rule.EXACT)
    ]
    assert (found.raw_vin, found.asset_id, found.invalid_reason) == (raw, "a", None)
    expected = (
        ()
        if raw.isalnum()
        else (
            "everything from the '*' terminator on (1 characters)",
            "whitespace",
            "'-'",
            "lowercase (uppercased)",
        )
    )
    assert found.removed == expected
