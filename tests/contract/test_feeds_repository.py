"""The feeds contract: the same assertions on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from pairhub.domain import feeds as rules
from pairhub.domain.feeds import Feed, FeedState
from pairhub.domain.organizations import Organization
from pairhub.ports import Storage

OTHER_ORG = Organization("00000000-0000-0000-0000-000000000002", "Bolt", False, True, 10)


def _feed(feed_id: str, organization_id: str, version: int = 1) -> Feed:
    names = ("unit.paired", "unit.unpaired") if version == 1 else ("unit.paired",)
    return Feed(feed_id, organization_id, version, names, FeedState.ACTIVE, 100, 100, 0)


def test_feeds_round_trip_change_list_and_delete(storage: Storage, organization: Organization) -> None:
    first = _feed("00000000-0000-0000-0000-0000000000f1", organization.id)
    second = _feed("00000000-0000-0000-0000-0000000000f2", organization.id, version=2)
    foreign = _feed("00000000-0000-0000-0000-0000000000f0", OTHER_ORG.id)
    with storage.write() as uow:
        uow.organizations.add(OTHER_ORG)
        for feed in (second, foreign, first):
            uow.feeds.add(feed)

    moved = rules.pause(rules.polled(first, 42, has_next=False, now=200), now=201)
    with storage.write() as uow:
        locked = uow.feeds.get(first.id, lock=True)
        assert locked == first
        uow.feeds.save(moved)
    with storage.read() as uow:
        assert uow.feeds.get(first.id) == moved
        assert moved.cursor_seq == 42 and moved.drained and moved.state is FeedState.PAUSED
        assert uow.feeds.get(second.id) == second
        assert uow.feeds.get("00000000-0000-0000-0000-0000000000ff") is None
        assert [f.id for f in uow.feeds.list(organization.id, None, 10)] == [first.id, second.id]
        assert [f.id for f in uow.feeds.list(organization.id, first.id, 10)] == [second.id]
        assert [f.id for f in uow.feeds.list(organization.id, None, 1)] == [first.id]
        assert [f.id for f in uow.feeds.list(OTHER_ORG.id, None, 10)] == [foreign.id]

    with storage.write() as uow:
        uow.feeds.delete(first.id)
    with storage.read() as uow:
        assert uow.feeds.get(first.id) is None
        assert [f.id for f in uow.feeds.list(organization.id, None, 10)] == [second.id]


def test_a_failed_unit_of_work_leaves_the_position_where_it_was(
    storage: Storage, organization: Organization
) -> None:
    feed = _feed("00000000-0000-0000-0000-0000000000f1", organization.id)
    with storage.write() as uow:
        uow.feeds.add(feed)
    try:
        with storage.write() as uow:
            uow.feeds.save(replace(feed, cursor_seq=7))
            raise RuntimeError("the answer could not be sent")
    except RuntimeError:
        pass
    with storage.read() as uow:
        found = uow.feeds.get(feed.id)
    assert found is not None and found.cursor_seq == 0
