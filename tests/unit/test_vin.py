"""Properties of the VIN rules (SPEC "Auto pairing"): normalization, validity, exact and partial matches."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from pairhub.domain import vin as vins
from pairhub.domain.vin import MatchKind, decide_match

ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
asset_vins = st.text(alphabet=ALPHABET, min_size=17, max_size=17).filter(lambda v: len(set(v)) > 1)
sensor_vins = st.text(alphabet=ALPHABET, min_size=1, max_size=17)
asset_ids = st.uuids().map(str)
raw_text = st.text(alphabet=st.characters(codec="latin-1"), max_size=40)


@given(raw_text)
def test_normalization_is_idempotent(raw: str) -> None:
    once = vins.normalize_vin(raw)
    assert vins.normalize_vin(once) == once


@given(raw_text)
def test_normalized_vins_carry_no_padding_separators_terminators_or_lowercase(raw: str) -> None:
    normalized = vins.normalize_vin(raw)
    assert not set(normalized) & set(" \t\r\n-\x00\xff*")
    # Only ASCII letters are uppercased: `ß` stays itself (and is InvalidData), it does not become `SS`.
    assert not any("a" <= char <= "z" for char in normalized)


@given(asset_vins, st.text(alphabet=" -\x00\xff", max_size=4), st.text(max_size=5))
def test_padding_dashes_case_and_the_j1939_terminator_do_not_change_the_vin(
    vin: str, padding: str, after_terminator: str
) -> None:
    raw = padding + "-".join([vin[:3].lower(), vin[3:]]) + padding + "*" + after_terminator
    assert vins.normalize_vin(raw) == vin


def test_normalization_examples() -> None:
    assert vins.normalize_vin(" 1hg-cm8 2633a000001\x00\x00") == "1HGCM82633A000001"
    assert vins.normalize_vin("F3A000001*\xff\xff") == "F3A000001"
    assert vins.normalize_vin(None) == ""


@given(sensor_vins)
def test_nothing_shorter_than_six_is_usable_or_ever_matches(sensor: str) -> None:
    assume(len(sensor) < vins.MIN_SENSOR_VIN_LENGTH)
    assert not vins.is_usable_sensor_vin(sensor)


@given(st.text(alphabet=ALPHABET, max_size=5), asset_vins)
def test_a_short_sensor_vin_is_never_a_partial_candidate(sensor: str, asset: str) -> None:
    assert not vins.is_partial_match(sensor, asset)


@given(st.sampled_from(ALPHABET), st.integers(min_value=1, max_value=17))
def test_one_repeated_character_is_invalid(character: str, length: int) -> None:
    assert not vins.is_usable_sensor_vin(character * length)


@given(asset_vins, st.integers(min_value=0, max_value=16), st.sampled_from("IOQ"))
def test_i_o_and_q_make_a_vin_invalid_and_are_never_corrected(vin: str, position: int, letter: str) -> None:
    broken = vin[:position] + letter + vin[position + 1 :]
    assert not vins.is_usable_sensor_vin(broken)
    assert not vins.is_valid_asset_vin(broken)


@given(asset_vins, st.text(alphabet=ALPHABET, min_size=1, max_size=3))
def test_longer_than_seventeen_is_invalid(vin: str, extra: str) -> None:
    assert not vins.is_usable_sensor_vin(vin + extra)


@given(asset_vins, st.integers(min_value=6, max_value=16))
def test_every_tail_of_six_to_sixteen_characters_is_a_truncated_match(vin: str, length: int) -> None:
    assert vins.is_truncated_match(vin[-length:], vin)
    assert vins.is_partial_match(vin[-length:], vin)


@given(asset_vins, st.integers(min_value=6, max_value=16), st.integers(min_value=1, max_value=10))
def test_a_tail_that_is_not_at_the_end_is_not_a_truncated_match(vin: str, length: int, shift: int) -> None:
    assume(length + shift <= 17)
    middle = vin[-(length + shift) : -shift]
    assume(not vin.endswith(middle))
    assert not vins.is_truncated_match(middle, vin)


@given(asset_vins, st.integers(min_value=0, max_value=10), st.sampled_from(ALPHABET))
def test_one_typo_before_the_serial_is_a_partial_match(vin: str, position: int, character: str) -> None:
    assume(vin[position] != character)
    sensor = vin[:position] + character + vin[position + 1 :]
    assert vins.is_one_typo_match(sensor, vin)
    assert decide_match(sensor, None, [("a", vin)]).kind is MatchKind.PARTIAL


@given(asset_vins, st.integers(min_value=11, max_value=16), st.sampled_from(ALPHABET))
def test_a_typo_in_the_serial_is_another_vehicle(vin: str, position: int, character: str) -> None:
    assume(vin[position] != character)
    sensor = vin[:position] + character + vin[position + 1 :]
    assert not vins.is_partial_match(sensor, vin)


@given(
    asset_vins,
    st.lists(st.integers(min_value=0, max_value=10), min_size=2, max_size=2, unique=True),
    st.sampled_from(ALPHABET),
)
def test_two_typos_are_no_match(vin: str, positions: list[int], character: str) -> None:
    sensor = list(vin)
    for position in positions:
        assume(vin[position] != character)
        sensor[position] = character
    assert not vins.is_partial_match("".join(sensor), vin)


@given(asset_vins)
def test_an_identical_vin_is_not_a_partial_match_of_itself(vin: str) -> None:
    # Equality is the exact rule; P2 needs exactly one difference.
    assert not vins.is_partial_match(vin, vin)


@given(sensor_vins, asset_ids, st.lists(st.tuples(asset_ids, asset_vins), max_size=5))
def test_an_exact_match_always_wins(sensor: str, exact_id: str, others: list[tuple[str, str]]) -> None:
    result = decide_match(sensor, exact_id, others)
    assert result.kind is MatchKind.EXACT
    assert result.asset_id == exact_id
    assert result.candidate_asset_ids == ()


@given(sensor_vins, st.lists(st.tuples(asset_ids, asset_vins), max_size=8))
def test_decide_match_rechecks_every_candidate_and_sorts_them(
    sensor: str, offered: list[tuple[str, str]]
) -> None:
    result = decide_match(sensor, None, offered)
    real = sorted({asset_id for asset_id, asset_vin in offered if vins.is_partial_match(sensor, asset_vin)})
    if not real:
        assert result.kind is MatchKind.NONE
    elif len(real) == 1:
        assert (result.kind, result.asset_id) == (MatchKind.PARTIAL, real[0])
    else:
        assert result.kind is MatchKind.MULTIPLE
        assert list(result.candidate_asset_ids) == real


def test_the_seed_examples_are_usable_sensor_vins() -> None:
    for sensor in ("F3A000001", "F3D000001", "1HGCM82633A000001"):
        assert vins.is_usable_sensor_vin(sensor)
    assert not vins.is_usable_sensor_vin("00000000000000000")
    assert not vins.is_usable_sensor_vin("XXXXXX")


@given(st.dictionaries(asset_ids, asset_vins, min_size=1, max_size=6), st.data())
def test_deciding_among_candidates_is_exact_first_then_partial_and_names_the_asset_vin(
    fleet: dict[str, str], data: st.DataObject
) -> None:
    assume(len(set(fleet.values())) == len(fleet))  # VINs are unique in an organization
    vin = data.draw(st.sampled_from(sorted(fleet.values())))
    position = data.draw(st.integers(min_value=0, max_value=10))
    sensor = data.draw(
        st.one_of(
            sensor_vins,
            st.just(vin),
            st.integers(min_value=6, max_value=16).map(lambda length: vin[-length:]),
            st.sampled_from(ALPHABET).map(lambda c: vin[:position] + c + vin[position + 1 :]),
        )
    )
    exact = next((asset_id for asset_id, asset_vin in fleet.items() if asset_vin == sensor), None)

    result = vins.decide_among(sensor, fleet.items())

    assert result == decide_match(sensor, exact, fleet.items())
    if result.kind is MatchKind.EXACT:
        assert (result.asset_id, result.asset_vin) == (exact, sensor)
    elif result.kind is MatchKind.PARTIAL:
        assert result.asset_id is not None
        assert result.asset_vin == fleet[result.asset_id]
        assert vins.is_partial_match(sensor, result.asset_vin)
    else:
        assert result.asset_vin is None
