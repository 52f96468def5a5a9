"""Datahub feeds: create, list, pause, resume and delete them, and poll one from its held position."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pairhub.contract.render import render_event
from pairhub.domain import feeds as rules
from pairhub.domain.access import Action, Decision, Principal, decide
from pairhub.domain.audit import AuditAction
from pairhub.domain.errors import BeyondRetention, NotFound, TooSoon
from pairhub.domain.feeds import Feed, FeedState
from pairhub.ports import Clock, EventQuery, Storage, UnitOfWork
from pairhub.services import audit, organizations
from pairhub.services.feed import event_cursor
from pairhub.services.pagination import CursorKind, Cursors, Page
from pairhub.services.subscriptions import check_events


@dataclass(frozen=True)
class FeedView:
    """A feed with the number of its events not yet handed out."""

    record: Feed
    backlog: int


@dataclass(frozen=True)
class Poll:
    """One answer of a feed: the events, whether more wait, and the event-feed cursor of the last one."""

    items: Sequence[dict[str, Any]]
    has_next: bool
    cursor: str | None


def _missing(feed_id: str) -> NotFound:
    return NotFound("feed_not_found", f"Feed {feed_id} does not exist.")


def _facts(feed: Feed) -> dict[str, object]:
    return {"eventVersion": feed.event_version, "eventNames": list(feed.event_names)}


class Feeds:
    """Use cases of the Datahub feeds of an organization."""

    def __init__(self, storage: Storage, clock: Clock, cursors: Cursors, min_poll_interval_ms: int) -> None:
        self._storage = storage
        self._clock = clock
        self._cursors = cursors
        self._min_poll_interval_ms = min_poll_interval_ms

    @staticmethod
    def _view(uow: UnitOfWork, feed: Feed) -> FeedView:
        backlog = uow.events.count_after(feed.organization_id, feed.cursor_seq, feed.event_names)
        return FeedView(feed, backlog)

    @staticmethod
    def _load(uow: UnitOfWork, organization_id: str, feed_id: str, lock: bool = False) -> Feed:
        organizations.require_datahub(uow, organization_id)
        found = uow.feeds.get(feed_id, lock=lock)
        if found is None or found.organization_id != organization_id:
            raise _missing(feed_id)
        return found

    def create(self, organization_id: str, event_version: int, names: Sequence[str]) -> FeedView:
        """A feed that starts at the organization's first event held: the feed API covers the past."""
        check_events(event_version, names)
        now = self._clock.now_ms()
        with self._storage.write() as uow:
            organizations.require_datahub(uow, organization_id)
            feed = Feed(
                id=str(uuid.uuid4()),
                organization_id=organization_id,
                event_version=event_version,
                event_names=tuple(names),
                state=FeedState.ACTIVE,
                created_at=now,
                updated_at=now,
                cursor_seq=uow.events.pruned_through(organization_id),
            )
            uow.feeds.add(feed)
            audit.note(
                uow, now, organization_id, AuditAction.FEED_CREATED, ("feed", feed.id), after=_facts(feed)
            )
            return self._view(uow, feed)

    def list(self, organization_id: str, after: str | None, limit: int) -> Page[FeedView]:
        """The organization's feeds by id."""
        with self._storage.read() as uow:
            organizations.require_datahub(uow, organization_id)
            last = self._cursors.decode_id(CursorKind.FEEDS, organization_id, after)
            views = [self._view(uow, feed) for feed in uow.feeds.list(organization_id, last, limit + 1)]
        return self._cursors.paginate_by_id(
            CursorKind.FEEDS, organization_id, views, limit, lambda view: view.record.id
        )

    def get(self, organization_id: str, feed_id: str) -> FeedView:
        """One feed with its backlog."""
        with self._storage.read() as uow:
            return self._view(uow, self._load(uow, organization_id, feed_id))

    def pause(self, organization_id: str, feed_id: str) -> FeedView:
        """Polls answer 404 until it is resumed; its position stays."""
        with self._storage.write() as uow:
            feed = rules.pause(self._load(uow, organization_id, feed_id, lock=True), self._clock.now_ms())
            uow.feeds.save(feed)
            audit.note(uow, feed.updated_at, organization_id, AuditAction.FEED_PAUSED, ("feed", feed_id))
            return self._view(uow, feed)

    def resume(self, organization_id: str, feed_id: str) -> FeedView:
        """Polls answer again, from where the feed was paused."""
        with self._storage.write() as uow:
            feed = rules.resume(self._load(uow, organization_id, feed_id, lock=True), self._clock.now_ms())
            uow.feeds.save(feed)
            audit.note(uow, feed.updated_at, organization_id, AuditAction.FEED_RESUMED, ("feed", feed_id))
            return self._view(uow, feed)

    def delete(self, organization_id: str, feed_id: str) -> None:
        """Delete a feed; polling it answers 404 from now on."""
        with self._storage.write() as uow:
            gone = self._load(uow, organization_id, feed_id, lock=True)
            uow.feeds.delete(feed_id)
            now = self._clock.now_ms()
            audit.note(uow, now, organization_id, AuditAction.FEED_DELETED, ("feed", feed_id), _facts(gone))

    def poll(self, caller: Principal, feed_id: str, limit: int) -> Poll:
        """The next events after the feed's position, and the position moved past them, in one commit.

        A feed paused while the retention pruned events after its position answers one 410
        `beyond_retention` and moves to the oldest event held, so the next poll reads on from there.
        """
        with self._storage.write() as uow:
            # Locked for the transaction, so concurrent polls take turns: the second reads the position
            # the first one wrote, and no event is handed out twice or skipped.
            feed = uow.feeds.get(feed_id, lock=True)
            # Paused answers like deleted, as the Datahub's feed does; another organization's like neither.
            if (
                feed is None
                or feed.state is FeedState.PAUSED
                or decide(caller, Action.FEED_POLL, feed.organization_id) is not Decision.ALLOW
            ):
                raise _missing(feed_id)
            organizations.require_datahub(uow, feed.organization_id)
            now = self._clock.now_ms()
            wait_ms = rules.wait_before_poll(feed, now, self._min_poll_interval_ms)
            if wait_ms > 0:
                raise TooSoon(
                    "feed_polled_too_soon",
                    "The feed had no more events at the last poll; poll again after `Retry-After` seconds.",
                    retry_after_s=max(1, math.ceil(wait_ms / 1000)),
                )
            pruned_through = uow.events.pruned_through(feed.organization_id)
            if feed.cursor_seq < pruned_through:
                uow.feeds.save(rules.polled(feed, pruned_through, True, now))
                taken, has_next = [], True
            else:
                query = EventQuery(feed.organization_id, feed.event_names, limit + 1, after=feed.cursor_seq)
                found = uow.events.read(query)
                taken, has_next = found[:limit], len(found) > limit
                position = taken[-1].seq if taken else feed.cursor_seq
                uow.feeds.save(rules.polled(feed, position, has_next, now))
        if feed.cursor_seq < pruned_through:  # told after the commit that moved the feed on
            raise BeyondRetention(
                self._cursors.encode(CursorKind.EVENTS, feed.organization_id, pruned_through)
            )
        items = [render_event(stored.event, feed.event_version) for stored in taken]
        return Poll(
            items, has_next, event_cursor(self._cursors, feed.organization_id, taken[-1]) if taken else None
        )
