"""When a unit message asks for an auto-pairing attempt, and when a re-match is news (pure rules)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairhub.domain.model import AutoPairingState as S
from pairhub.domain.units import (
    Activity,
    MessageAction,
    Unit,
    changes_only_activity,
    decide_on_message,
    on_message,
    rematch_is_news,
    standing_of,
)
from pairhub.domain.vin import MatchKind, MatchResult, ReportedVin

VIN = "1HGCM82633A000001"
OTHER = "WDB9634031L738192"
NOW = 1_000_000

IDLE = Unit("tp:1", "org", 0, S.IDLE)
ATTEMPT, NOTHING, DISABLE = MessageAction.ATTEMPT, MessageAction.NOTHING, MessageAction.DISABLE


def unit(state: S, vin: str | None = VIN, *, paired: bool = False, **changes: object) -> Unit:
    asset_id = "asset" if paired else None
    return replace(IDLE, state=state, attempted_vin=vin, asset_id=asset_id, **changes)  # type: ignore[arg-type]


def decide(record: Unit, vin: str | None, now: int = NOW, *, enabled: bool = True) -> MessageAction:
    return decide_on_message(record, vin, enabled, now)


def test_the_first_message_with_a_vin_attempts() -> None:
    assert decide(IDLE, VIN) is ATTEMPT


def test_a_message_without_a_vin_says_nothing_about_it() -> None:
    assert decide(IDLE, None) is NOTHING
    assert decide(unit(S.NOT_FOUND), None) is NOTHING


@pytest.mark.parametrize("state", [S.NOT_FOUND, S.MULTIPLE_MATCH_FOUND, S.INVALID_DATA, S.SUPPRESSED])
def test_the_same_vin_is_attempted_once_and_a_new_one_again(state: S) -> None:
    assert decide(unit(state), VIN) is NOTHING
    assert decide(unit(state), OTHER) is ATTEMPT


def test_an_invalid_vin_reported_twice_is_attempted_once() -> None:
    assert decide(unit(S.INVALID_DATA, ""), "") is NOTHING


@given(st.sampled_from(list(S)), st.one_of(st.none(), st.sampled_from([VIN, OTHER, ""])))
def test_a_paired_unit_is_never_attempted(state: S, vin: str | None) -> None:
    assert decide(unit(state, paired=True), vin) is NOTHING
    assert decide(unit(state, paired=True), vin, enabled=False) is NOTHING


def test_switched_off_organizations_only_mark_units_disabled() -> None:
    assert decide(unit(S.IDLE, None), VIN, enabled=False) is DISABLE
    assert decide(unit(S.NOT_FOUND), VIN, enabled=False) is DISABLE
    assert decide(unit(S.DISABLED), OTHER, enabled=False) is NOTHING
    # A suppressed unit stays suppressed until its VIN changes, switch or not.
    assert decide(unit(S.SUPPRESSED), VIN, enabled=False) is NOTHING
    assert decide(unit(S.SUPPRESSED), OTHER, enabled=False) is DISABLE


def test_a_disabled_unit_of_a_switched_on_organization_starts_afresh() -> None:
    assert decide(unit(S.DISABLED), VIN) is ATTEMPT


def test_unknown_is_retried_only_after_the_retry_time_even_without_a_vin() -> None:
    failed = unit(S.UNKNOWN, retry_after=NOW + 10)
    assert decide(failed, VIN) is NOTHING
    assert decide(failed, None, NOW + 9) is NOTHING
    assert decide(failed, None, NOW + 10) is ATTEMPT
    assert decide(failed, VIN, NOW + 10) is ATTEMPT
    assert decide(failed, OTHER) is ATTEMPT
    # A retry without a VIN in the message uses the VIN that failed.
    assert on_message(failed, Activity(NOW + 10), ATTEMPT, NOW + 10).match_vin == VIN


def test_the_invalid_data_sensor_vin_is_the_raw_value_and_absent_when_nothing_was_reported() -> None:
    assert ReportedVin.of("abc-1").event_sensor_vin == "abc-1"
    assert ReportedVin.of(None).event_sensor_vin is None
    assert ReportedVin.of("  \x00\x00").event_sensor_vin is None
    assert ReportedVin.of("f3a000001*").normalized == "F3A000001"


def test_a_rematch_is_news_only_when_the_outcome_changes() -> None:
    none = MatchResult(MatchKind.NONE)
    two = MatchResult(MatchKind.MULTIPLE, candidate_asset_ids=("a", "b"))
    three = MatchResult(MatchKind.MULTIPLE, candidate_asset_ids=("a", "b", "c"))
    not_found, multiple = unit(S.NOT_FOUND), unit(S.MULTIPLE_MATCH_FOUND, candidates=("a", "b"))
    assert not rematch_is_news(not_found, none)
    assert rematch_is_news(not_found, two)
    assert not rematch_is_news(multiple, two)
    assert rematch_is_news(multiple, three)
    assert rematch_is_news(multiple, none)
    for kind in (MatchKind.EXACT, MatchKind.PARTIAL):
        assert rematch_is_news(not_found, MatchResult(kind, asset_id="a"))


_standing_units = st.builds(
    unit,
    st.sampled_from(list(S)),
    st.one_of(st.none(), st.sampled_from([VIN, OTHER, ""])),
    paired=st.booleans(),
    retry_after=st.one_of(st.none(), st.integers(NOW - 10, NOW + 10)),
)


@given(
    _standing_units,
    st.one_of(st.none(), st.sampled_from([VIN, OTHER, "", "F3A000001"])),
    st.booleans(),
    st.integers(NOW - 100, NOW + 100),
)
def test_a_unit_whose_messages_change_only_its_activity_never_acts_on_one(
    record: Unit, vin: str | None, enabled: bool, now: int
) -> None:
    if changes_only_activity(record):
        assert decide_on_message(record, vin, enabled, now) is NOTHING
        assert decide_on_message(standing_of(record), vin, enabled, now) is NOTHING


@given(_standing_units)
def test_any_other_unit_acts_on_some_message(record: Unit) -> None:
    if not changes_only_activity(record):
        # A VIN it has not attempted, with auto pairing on: an attempt, whatever its state.
        new_vin = "F3A000001" if record.attempted_vin != "F3A000001" else VIN
        assert decide_on_message(record, new_vin, True, NOW) is ATTEMPT


def test_only_a_paired_unit_changes_only_its_activity() -> None:
    assert changes_only_activity(unit(S.PAIRED, paired=True))
    assert changes_only_activity(standing_of(unit(S.PAIRED, paired=True)))
    assert not changes_only_activity(unit(S.PAIRED))  # PAIRED without an asset starts afresh
    assert not changes_only_activity(IDLE)
    assert not changes_only_activity(unit(S.DISABLED))
