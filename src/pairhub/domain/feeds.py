"""Datahub feeds: a pull feed whose position the server holds, and the rules of polling it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pairhub.domain.records import copy_with


class FeedState(StrEnum):
    """Whether a feed answers polls (a paused feed answers 404, as the Datahub's does)."""

    ACTIVE = "active"
    PAUSED = "paused"


MIN_POLL_LIMIT = 100
MAX_POLL_LIMIT = 250
DEFAULT_POLL_LIMIT = 100


@dataclass(frozen=True)
class Feed:
    """A feed of one organization's events of some names, rendered in one version, read from `cursor_seq`."""

    id: str
    organization_id: str
    event_version: int
    event_names: tuple[str, ...]
    state: FeedState
    created_at: int
    updated_at: int
    cursor_seq: int
    """The seq of the last event handed out; the next poll starts after it."""
    last_polled_at: int | None = None
    drained: bool = False
    """The last poll answered `hasNext: false`: the consumer has caught up."""


def pause(feed: Feed, now: int) -> Feed:
    """Stop answering polls; the position stays where it is."""
    return copy_with(feed, state=FeedState.PAUSED, updated_at=now)


def resume(feed: Feed, now: int) -> Feed:
    """Answer polls again from the position it had."""
    return copy_with(feed, state=FeedState.ACTIVE, updated_at=now)


def wait_before_poll(feed: Feed, now: int, min_interval_ms: int) -> int:
    """Milliseconds an over-eager poll must still wait (0 when it may poll now)."""
    # Only a consumer that has caught up waits: while pages are left (`hasNext: true`) it may read them
    # back to back, but asking an empty feed again at once only costs the database.
    if not feed.drained or feed.last_polled_at is None:
        return 0
    return max(0, feed.last_polled_at + min_interval_ms - now)


def polled(feed: Feed, cursor_seq: int, has_next: bool, now: int) -> Feed:
    """The feed after a poll handed out events up to `cursor_seq`."""
    return copy_with(feed, cursor_seq=cursor_seq, last_polled_at=now, drained=not has_next)
