"""The Datahub feed use cases on the in-memory storage: no database, milliseconds."""

from __future__ import annotations

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.memory.uow import MemoryStorage
from pairhub.contract.render import render_event
from pairhub.domain import events
from pairhub.domain.access import ADMIN, ActorType, Principal, Role
from pairhub.domain.errors import Forbidden, Invalid, NotFound, TooSoon
from pairhub.domain.events import Location
from pairhub.domain.feeds import FeedState
from pairhub.domain.organizations import Organization
from pairhub.ports import EventQuery
from pairhub.services.feed import event_cursor
from pairhub.services.feeds import Feeds
from tests.handlers.conftest import CURSORS

ORG = "00000000-0000-0000-0000-0000000000aa"
OTHER = "00000000-0000-0000-0000-0000000000bb"
INACTIVE = "00000000-0000-0000-0000-0000000000cc"
OWNER = Principal(ActorType.API_KEY, roles={ORG: Role.OPERATOR}, key_id="key-1")
STRANGER = Principal(ActorType.API_KEY, roles={OTHER: Role.OPERATOR}, key_id="key-2")
MIN_INTERVAL_MS = 5_000
VIN = "1HGCM82633A000001"


@pytest.fixture
def storage() -> MemoryStorage:
    """Two organizations with the Datahub, one without."""
    memory = MemoryStorage()
    with memory.write() as uow:
        uow.organizations.add(Organization(ORG, "Fleet", False, True, 1))
        uow.organizations.add(Organization(OTHER, "Other", False, True, 1))
        uow.organizations.add(Organization(INACTIVE, "No Datahub", False, False, 1))
    return memory


@pytest.fixture
def feeds(storage: MemoryStorage, clock: ManualClock) -> Feeds:
    """The use cases with a 5 s minimum interval after a drained poll."""
    return Feeds(storage, clock, CURSORS, MIN_INTERVAL_MS)


def record(storage: MemoryStorage, *batch: events.PairingEvent) -> None:
    with storage.write() as uow:
        uow.events.record(list(batch))


def pairings(count: int, organization_id: str = ORG) -> list[events.PairingEvent]:
    return [events.manual_pair(organization_id, f"tp:{n}", "a", None, 1_000 + n) for n in range(count)]


def test_a_new_feed_covers_the_past_and_hands_each_event_out_once(
    storage: MemoryStorage, feeds: Feeds, clock: ManualClock
) -> None:
    record(storage, *pairings(150))
    record(storage, *pairings(3, organization_id=OTHER))
    feed = feeds.create(ORG, 1, ["unit.paired"])
    assert feed.backlog == 150

    first = feeds.poll(OWNER, feed.record.id, 100)
    second = feeds.poll(OWNER, feed.record.id, 100)

    units = [item["eventData"]["unitId"] for item in [*first.items, *second.items]]
    assert units == [f"tp:{n}" for n in range(150)]
    assert (first.has_next, second.has_next) == (True, False)
    assert feeds.get(ORG, feed.record.id).backlog == 0
    record(storage, *pairings(1))
    clock.advance(5)
    assert [item["eventData"]["unitId"] for item in feeds.poll(ADMIN, feed.record.id, 100).items] == ["tp:0"]


def test_items_are_rendered_as_webhooks_of_the_feed_version_with_the_event_feed_cursor(
    storage: MemoryStorage, feeds: Feeds, clock: ManualClock
) -> None:
    located = events.auto_pair(ORG, "tp:1", "a", VIN, VIN, Location(52.5, 13.4), 9)
    record(storage, located, events.manual_unpair(ORG, "tp:1", "a", None, 10), located)
    feed = feeds.create(ORG, 2, ["unit.paired"])

    poll = feeds.poll(OWNER, feed.record.id, 100)

    assert poll.items == [render_event(located, 2), render_event(located, 2)]
    assert poll.items[0]["eventData"]["location"] == {"latitude": 52.5, "longitude": 13.4}
    with storage.read() as uow:
        stored = uow.events.read(EventQuery(ORG, ["unit.paired", "unit.unpaired"], 10))
    assert poll.cursor == event_cursor(CURSORS, ORG, stored[-1])
    clock.advance(5)
    assert feeds.poll(OWNER, feed.record.id, 100).cursor is None


def test_create_checks_the_events_and_the_datahub_subscription(feeds: Feeds) -> None:
    with pytest.raises(Invalid) as refused:
        feeds.create(ORG, 2, ["unit.unpaired"])
    assert refused.value.code == "event_not_offered"
    with pytest.raises(Invalid):
        feeds.create(ORG, 1, [])
    with pytest.raises(Forbidden):
        feeds.create(INACTIVE, 1, ["unit.paired"])
    with pytest.raises(NotFound):
        feeds.create("00000000-0000-0000-0000-0000000000dd", 1, ["unit.paired"])


def test_paused_deleted_and_foreign_feeds_answer_not_found(
    storage: MemoryStorage, feeds: Feeds, clock: ManualClock
) -> None:
    record(storage, *pairings(3))
    feed = feeds.create(ORG, 1, ["unit.paired"]).record

    with pytest.raises(NotFound):
        feeds.poll(STRANGER, feed.id, 100)
    with pytest.raises(NotFound):
        feeds.get(OTHER, feed.id)
    assert feeds.pause(ORG, feed.id).record.state is FeedState.PAUSED
    with pytest.raises(NotFound) as paused:
        feeds.poll(OWNER, feed.id, 100)
    assert paused.value.code == "feed_not_found"

    assert feeds.resume(ORG, feed.id).record.state is FeedState.ACTIVE
    assert len(feeds.poll(OWNER, feed.id, 100).items) == 3
    feeds.delete(ORG, feed.id)
    clock.advance(60)
    with pytest.raises(NotFound):
        feeds.poll(OWNER, feed.id, 100)
    assert feeds.list(ORG, None, 10).items == []


def test_polling_a_drained_feed_again_too_soon_is_refused_with_the_wait(
    storage: MemoryStorage, feeds: Feeds, clock: ManualClock
) -> None:
    record(storage, *pairings(120))
    feed = feeds.create(ORG, 1, ["unit.paired"]).record
    assert feeds.poll(OWNER, feed.id, 100).has_next
    assert not feeds.poll(OWNER, feed.id, 100).has_next  # back to back is fine while pages are left

    clock.advance(1.2)
    with pytest.raises(TooSoon) as early:
        feeds.poll(OWNER, feed.id, 100)
    assert (early.value.code, early.value.retry_after_s) == ("feed_polled_too_soon", 4)
    clock.advance(3.7)
    with pytest.raises(TooSoon) as almost:
        feeds.poll(OWNER, feed.id, 100)
    assert almost.value.retry_after_s == 1  # 100 ms left still says a whole second
    clock.advance(0.1)
    assert feeds.poll(OWNER, feed.id, 100).items == []
    with pytest.raises(TooSoon):
        feeds.poll(OWNER, feed.id, 100)  # an empty answer is drained too


def test_list_pages_the_organization_feeds(feeds: Feeds) -> None:
    created = sorted(feeds.create(ORG, 1, ["unit.paired"]).record.id for _ in range(3))
    feeds.create(OTHER, 1, ["unit.paired"])

    first = feeds.list(ORG, None, 2)
    rest = feeds.list(ORG, first.next_cursor, 2)

    assert [view.record.id for view in [*first.items, *rest.items]] == created
    assert rest.next_cursor is None
