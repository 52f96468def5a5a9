"""Unknown units on the in-memory storage: messages of unit ids not provisioned are refused, counted per id
in memory and written by the flush, listed most recently seen first, bounded, and gone once provisioned."""

from __future__ import annotations

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.errors import Invalid
from pairhub.domain.unknown_units import UnknownUnit
from pairhub.services.ingest import UnitMessage
from tests.handlers.conftest import wired


@pytest.fixture
def container(clock: ManualClock) -> Container:
    """The use cases on an empty in-memory storage, keeping at most three unknown ids."""
    return wired(clock, unknown_units_limit=3)


def send(container: Container, *unit_ids: str) -> list[tuple[int, str]]:
    """One request of bare messages; the refusals' indexes and codes."""
    result = container.ingest.accept([UnitMessage(n, unit_id) for n, unit_id in enumerate(unit_ids)])
    return [(r.index, r.code) for r in result.rejected]


def listed(container: Container) -> list[UnknownUnit]:
    return list(container.unknown_units.list(None, 10).items)


def test_refusals_are_counted_per_unit_with_first_and_last_seen_from_the_flush_on(
    container: Container, clock: ManualClock
) -> None:
    org = container.organizations.create("Fleet", False, True).id
    container.units.provision(org, "tp:1")
    start = clock.now_ms()

    assert send(container, "tp:404", "tp:1", "tp:404") == [(0, "unknown_unit"), (2, "unknown_unit")]
    clock.advance(90)
    send(container, "tp:404", "cb:77")
    assert listed(container) == []  # nothing written while the messages were answered
    container.ingest.flush()
    clock.advance(30)
    send(container, "tp:404")
    container.ingest.flush()

    assert listed(container) == [
        UnknownUnit("tp:404", start, start + 120_000, 4),
        UnknownUnit("cb:77", start + 90_000, start + 90_000, 1),
    ]


def test_the_list_pages_most_recently_seen_first(container: Container, clock: ManualClock) -> None:
    for unit_id in ("tp:a", "tp:b", "tp:c"):
        send(container, unit_id)
        clock.advance(1)
    container.ingest.flush()

    first = container.unknown_units.list(None, 2)
    rest = container.unknown_units.list(first.next_cursor, 2)

    assert [u.unit_id for u in first.items] == ["tp:c", "tp:b"]
    assert ([u.unit_id for u in rest.items], rest.next_cursor) == (["tp:a"], None)
    with pytest.raises(Invalid):
        container.unknown_units.list("tp:b", 2)  # a raw id is not a cursor


def test_provisioning_a_unit_takes_it_off_the_list(container: Container) -> None:
    org = container.organizations.create("Fleet", False, True).id
    send(container, "tp:new", "tp:other")
    container.ingest.flush()

    container.units.provision(org, "tp:new")

    assert [u.unit_id for u in listed(container)] == ["tp:other"]
    assert send(container, "tp:new") == []


def test_the_least_recently_seen_make_room_beyond_the_bound(container: Container, clock: ManualClock) -> None:
    for unit_id in ("tp:1", "tp:2", "tp:3"):
        send(container, unit_id)
        clock.advance(1)
    container.ingest.flush()
    send(container, "tp:1")  # seen again: now the most recent
    clock.advance(1)
    send(container, "tp:4")

    container.ingest.flush()

    assert [u.unit_id for u in listed(container)] == ["tp:4", "tp:1", "tp:3"]


def test_the_buffer_keeps_at_most_the_bound_between_flushes(container: Container) -> None:
    send(container, "tp:1", "tp:2", "tp:3", "tp:4", "tp:1")

    container.ingest.flush()

    assert {u.unit_id: u.messages for u in listed(container)} == {"tp:1": 2, "tp:2": 1, "tp:3": 1}
