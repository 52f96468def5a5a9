"""When a unit message asks for an auto-pairing attempt, and when a re-match is news (pure rules)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairhub.domain.auto_pairing import (
    MessageAction,
    ReportedVin,
    UnitSnapshot,
    attempt_vin,
    decide_on_message,
    rematch_is_news,
)
from pairhub.domain.model import AutoPairingState as S
from pairhub.domain.vin import MatchKind, MatchResult

VIN = "1HGCM82633A000001"
OTHER = "WDB9634031L738192"
NOW = 1_000_000

IDLE = UnitSnapshot("tp:1", "org", False, S.IDLE, None, None, True)
ATTEMPT, NOTHING, DISABLE = MessageAction.ATTEMPT, MessageAction.NOTHING, MessageAction.DISABLE


def unit(state: S, vin: str | None = VIN, **changes: object) -> UnitSnapshot:
    return replace(IDLE, state=state, attempted_vin=vin, **changes)  # type: ignore[arg-type]


def test_the_first_message_with_a_vin_attempts() -> None:
    assert decide_on_message(IDLE, VIN, NOW) is ATTEMPT


def test_a_message_without_a_vin_says_nothing_about_it() -> None:
    assert decide_on_message(IDLE, None, NOW) is NOTHING
    assert decide_on_message(unit(S.NOT_FOUND), None, NOW) is NOTHING


@pytest.mark.parametrize("state", [S.NOT_FOUND, S.MULTIPLE_MATCH_FOUND, S.INVALID_DATA, S.SUPPRESSED])
def test_the_same_vin_is_attempted_once_and_a_new_one_again(state: S) -> None:
    assert decide_on_message(unit(state), VIN, NOW) is NOTHING
    assert decide_on_message(unit(state), OTHER, NOW) is ATTEMPT


def test_an_invalid_vin_reported_twice_is_attempted_once() -> None:
    assert decide_on_message(unit(S.INVALID_DATA, ""), "", NOW) is NOTHING


@given(st.sampled_from(list(S)), st.one_of(st.none(), st.sampled_from([VIN, OTHER, ""])))
def test_a_paired_unit_is_never_attempted(state: S, vin: str | None) -> None:
    assert decide_on_message(unit(state, paired=True), vin, NOW) is NOTHING
    assert decide_on_message(unit(state, paired=True, organization_enabled=False), vin, NOW) is NOTHING


def test_switched_off_organizations_only_mark_units_disabled() -> None:
    off = {"organization_enabled": False}
    assert decide_on_message(unit(S.IDLE, None, **off), VIN, NOW) is DISABLE
    assert decide_on_message(unit(S.NOT_FOUND, **off), VIN, NOW) is DISABLE
    assert decide_on_message(unit(S.DISABLED, **off), OTHER, NOW) is NOTHING
    # A suppressed unit stays suppressed until its VIN changes, switch or not.
    assert decide_on_message(unit(S.SUPPRESSED, **off), VIN, NOW) is NOTHING
    assert decide_on_message(unit(S.SUPPRESSED, **off), OTHER, NOW) is DISABLE


def test_a_disabled_unit_of_a_switched_on_organization_starts_afresh() -> None:
    assert decide_on_message(unit(S.DISABLED), VIN, NOW) is ATTEMPT


def test_unknown_is_retried_only_after_the_retry_time_even_without_a_vin() -> None:
    failed = unit(S.UNKNOWN, retry_after=NOW + 10)
    assert decide_on_message(failed, VIN, NOW) is NOTHING
    assert decide_on_message(failed, None, NOW + 9) is NOTHING
    assert decide_on_message(failed, None, NOW + 10) is ATTEMPT
    assert decide_on_message(failed, VIN, NOW + 10) is ATTEMPT
    assert decide_on_message(failed, OTHER, NOW) is ATTEMPT
    assert attempt_vin(failed, None) == ReportedVin(VIN, VIN)


def test_the_invalid_data_sensor_vin_is_the_raw_value_and_absent_when_nothing_was_reported() -> None:
    assert ReportedVin.of("abc-1").event_sensor_vin == "abc-1"
    assert ReportedVin.of(None).event_sensor_vin is None
    assert ReportedVin.of("  \x00\x00").event_sensor_vin is None
    assert ReportedVin.of("f3a000001*").normalized == "F3A000001"


def test_a_rematch_is_news_only_when_the_outcome_changes() -> None:
    none = MatchResult(MatchKind.NONE)
    two = MatchResult(MatchKind.MULTIPLE, candidate_asset_ids=("a", "b"))
    three = MatchResult(MatchKind.MULTIPLE, candidate_asset_ids=("a", "b", "c"))
    assert not rematch_is_news(S.NOT_FOUND, (), none)
    assert rematch_is_news(S.NOT_FOUND, (), two)
    assert not rematch_is_news(S.MULTIPLE_MATCH_FOUND, ("a", "b"), two)
    assert rematch_is_news(S.MULTIPLE_MATCH_FOUND, ("a", "b"), three)
    assert rematch_is_news(S.MULTIPLE_MATCH_FOUND, ("a", "b"), none)
    for kind in (MatchKind.EXACT, MatchKind.PARTIAL):
        assert rematch_is_news(S.NOT_FOUND, (), MatchResult(kind, asset_id="a"))
