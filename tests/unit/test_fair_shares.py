"""Delivery slots shared by organization: own shares, lent shares, and a tenant coming back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pairhub.domain.fair_shares import Candidate, admit, share


def _candidates(org: str, count: int) -> list[Candidate]:
    return [Candidate(f"{org}-{n}", org) for n in range(count)]


def _interleaved(*groups: list[Candidate]) -> list[Candidate]:
    """Candidates in turns across organizations, as the claim returns them."""
    longest = max(len(group) for group in groups)
    return [group[n] for n in range(longest) for group in groups if n < len(group)]


def _by_org(admitted: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for sub_id in admitted:
        org = sub_id.split("-")[0]
        counts[org] = counts.get(org, 0) + 1
    return counts


def test_one_organization_may_fill_the_whole_pool() -> None:
    assert len(admit(128, {}, _candidates("a", 200))) == 128


def test_a_busy_organization_gets_its_share_and_the_share_others_leave_unused() -> None:
    busy, quiet = _candidates("a", 200), _candidates("b", 3)
    admitted = admit(100, {}, _interleaved(busy, quiet))

    assert _by_org(admitted) == {"a": 97, "b": 3}


def test_an_organization_coming_back_gets_its_share_while_others_hold_lent_slots() -> None:
    # Four tenants whose receivers never answer hold the whole pool, 32 slots each.
    holding = {"a": 32, "b": 32, "c": 32, "d": 32}
    more = _interleaved(*(_candidates(org, 10) for org in holding))
    fifth = _candidates("e", 3)

    assert admit(128, holding, more) == []
    assert admit(128, holding, [*more, *fifth]) == [c.subscription_id for c in fifth]


def test_more_organizations_than_slots_never_overrun_the_pool() -> None:
    many = [Candidate(f"s{n}", f"o{n}") for n in range(300)]

    assert len(admit(128, {}, many)) == 128
    assert share(128, 300) == 1


def test_lent_slots_go_to_the_organization_that_holds_the_fewest() -> None:
    admitted = admit(10, {"a": 4}, _interleaved(_candidates("a", 10), _candidates("b", 10)))

    assert _by_org(admitted) == {"a": 1, "b": 5}


def test_nothing_is_admitted_into_an_empty_pool() -> None:
    assert admit(0, {}, _candidates("a", 3)) == []


@given(
    pool=st.integers(1, 64),
    holding=st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 40)),
    wanted=st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 40)),
)
def test_every_organization_reaches_its_share_and_lending_stops_at_the_pool(
    pool: int, holding: dict[str, int], wanted: dict[str, int]
) -> None:
    candidates = _interleaved([], *(_candidates(org, count) for org, count in wanted.items()))
    admitted = _by_org(admit(pool, holding, candidates))
    active = {org for org, count in holding.items() if count} | {org for org, n in wanted.items() if n}
    own = share(pool, len(active))
    owned = sum(min(count, own) for count in holding.values())
    total = sum(holding.values())
    for org, count in wanted.items():
        assert admitted.get(org, 0) <= count
    if total + sum(admitted.values()) > pool:
        # Over the pool only by an organization's own share: none of them holds more than it.
        over = [org for org, n in admitted.items() if holding.get(org, 0) + n > own]
        assert not over or total < pool
    if owned + len(active) <= pool:
        for org, count in wanted.items():
            assert holding.get(org, 0) + admitted.get(org, 0) >= min(own, holding.get(org, 0) + count)
