"""The judgement of MQTT partitions (`k/n`) against a count of every residue, and the hash it stands for."""

from __future__ import annotations

from itertools import combinations
from math import lcm

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairhub.domain import partitions as partitions_module
from pairhub.domain.partitions import (
    Partition,
    Subscriber,
    by_topic_filter,
    coverage,
    gap_text,
    overlap_text,
    problems,
)


@st.composite
def partitions(draw: st.DrawFn, max_count: int = 12) -> Partition:
    """A partition `k/n` with n up to `max_count`."""
    count = draw(st.integers(1, max_count))
    return Partition(draw(st.integers(1, count)), count)


layouts = st.lists(partitions(), min_size=1, max_size=6)


def _residues(partition: Partition, modulus: int) -> set[int]:
    """The hashes modulo `modulus` (a multiple of its count) that the partition takes."""
    return {r for r in range(modulus) if r % partition.count == partition.number - 1}


@given(layouts)
def test_overlaps_are_the_pairs_that_share_a_hash(layout: list[Partition]) -> None:
    judged = coverage(layout)
    modulus = lcm(*(p.count for p in layout))
    expected = sorted(
        (first, second)
        for first, second in combinations(sorted(layout), 2)
        if _residues(first, modulus) & _residues(second, modulus)
    )
    assert sorted(judged.overlaps) == expected


@given(layouts)
def test_incomplete_exactly_when_some_hash_is_taken_by_none(layout: list[Partition]) -> None:
    judged = coverage(layout)
    modulus = lcm(*(p.count for p in layout))
    taken = set().union(*(_residues(p, modulus) for p in layout))
    assert judged.incomplete == (len(taken) < modulus)
    assert bool(judged.gaps) == judged.incomplete
    for gap in judged.gaps:
        # A named gap is taken by no partition at all, and no two named gaps share a hash.
        assert not any(gap.meets(p) for p in layout)
    assert all(not a.meets(b) for a, b in combinations(judged.gaps, 2))


@given(layouts)
def test_sound_layouts_take_every_unit_exactly_once(layout: list[Partition]) -> None:
    judged = coverage(layout)
    unit_ids = [f"tp:{n}" for n in range(300)]
    taken_by = [sum(p.takes(unit_id) for p in layout) for unit_id in unit_ids]
    if judged.sound:
        assert set(taken_by) == {1}
    if not judged.overlaps:
        assert max(taken_by) <= 1


@given(st.integers(1, 40))
def test_one_of_each_k_of_the_same_n_is_sound(count: int) -> None:
    assert coverage(Partition(k, count) for k in range(1, count + 1)).sound


@given(st.integers(2, 40), st.data())
def test_one_k_missing_is_named(count: int, data: st.DataObject) -> None:
    missing = data.draw(st.integers(1, count))
    judged = coverage(Partition(k, count) for k in range(1, count + 1) if k != missing)
    assert not judged.overlaps
    assert judged.gaps == (Partition(missing, count),)


@pytest.mark.parametrize(
    ("layout", "overlapping", "missing"),
    [
        (["1/1", "1/1"], "1/1 and 1/1", None),
        (["1/1", "1/2"], "1/1 and 1/2", None),
        (["1/2"], None, "2/2 taken by no process"),
        (["1/2", "2/4"], None, "4/4 taken by no process"),
        (["1/2", "2/4", "4/4"], None, None),
        (["1/2", "1/3"], "1/2 and 1/3", "2/6, 6/6 taken by no process"),
    ],
)
def test_layouts_in_words(layout: list[str], overlapping: str | None, missing: str | None) -> None:
    judged = coverage(Partition.parse(text) for text in layout)
    assert (overlap_text(judged) or None) == overlapping
    assert (gap_text(judged) if judged.incomplete else None) == missing


def test_past_the_search_budget_a_gap_is_known_from_the_shares(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(partitions_module, "SEARCH_BUDGET", 1)
    # Half and a third of the units: less than all of them, whichever units they are.
    short = coverage([Partition(1, 2), Partition(1, 3)])
    assert short.incomplete and short.gaps == ()
    assert gap_text(short) == "some units taken by no process"
    # Both halves and a third: all of them (and the third taken twice).
    whole = coverage([Partition(1, 2), Partition(2, 2), Partition(1, 3)])
    assert not whole.incomplete and len(whole.overlaps) == 2


def test_topic_filters_are_judged_apart_and_shared_ones_not_at_all() -> None:
    judged = by_topic_filter(
        [
            Subscriber("a/+/m", Partition(1, 1)),
            Subscriber("b/+/m", Partition(1, 1)),
            Subscriber("a/+/m", Partition(1, 2)),
            Subscriber("$share/g/c/+/m", Partition(1, 1)),
            Subscriber("$share/g/c/+/m", Partition(1, 1)),
        ]
    )
    assert list(judged) == ["a/+/m", "b/+/m"]
    assert problems(judged) == ["partitions overlap on a/+/m: 1/1 and 1/2"]


def test_the_hash_is_crc32_of_the_unit_id() -> None:
    # The value every process computes: zlib.crc32(b"tp:1") == 3852426948, and 3852426948 % 4 == 0.
    assert [Partition(k, 4).takes("tp:1") for k in range(1, 5)] == [True, False, False, False]
    assert [Partition(k, 3).takes("tp:1") for k in range(1, 4)] == [True, False, False]


@pytest.mark.parametrize("text", ["0/2", "3/2", "x/2", "1"])
def test_what_is_not_a_partition_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Partition.parse(text)
