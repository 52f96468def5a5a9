"""Cutting frozen batches from a subscription's cursor: the window of events, expiry, the envelope."""

from __future__ import annotations

import structlog
from prometheus_client import Counter

from pairhub.domain import delivery
from pairhub.domain import delivery_machine as rules
from pairhub.domain.delivery_machine import Cut
from pairhub.domain.subscriptions import Subscription
from pairhub.domain.vocabulary import EventCount
from pairhub.ports import EventQuery, EventStore
from pairhub.services.delivery import freeze

log = structlog.get_logger("pairhub.delivery")

EVENTS = Counter(
    "pairhub_webhook_events_total",
    "Events whose delivery ended, by result: delivered, refused (their batch, for good) or expired.",
    ["result"],
)
EXPIRED = EVENTS.labels(EventCount.EXPIRED.value)

FULL_BATCH_RECHECK_MS = 1000
"""While a partial batch waits for `maxWaitMs`, look this often whether it has filled up meanwhile."""

MAX_EXPIRY_ROUNDS = 100


def cut(events: EventStore, sub: Subscription, head: int, now: int, cutoff: int) -> Cut:
    """Freeze the next batch and move the cursor past it (the caller saves both in one transaction).

    `head` was read before the window: on PostgreSQL every event up to it is already visible.
    Events older than `cutoff` are stepped over and counted as expired.
    """
    size = sub.max_batch_size
    for _ in range(MAX_EXPIRY_ROUNDS):
        cursor = sub.cursor_seq
        if head <= cursor:
            return Cut(sub)
        query = EventQuery(sub.organization_id, sub.event_names, size, after=cursor, upto=head)
        window = events.rendered(query, sub.event_version)
        full = len(window) == size
        if not window:
            # Only events this subscription does not ask for: step over them.
            return Cut(rules.advance(sub, head, sub.next_attempt_at))
        expired = 0
        while expired < len(window) and window[expired].registered_at_ms < cutoff:
            expired += 1
        if expired:
            past = window[expired - 1].seq if expired < len(window) or full else head
            sub = rules.skip_expired(sub, expired, past)
            EXPIRED.inc(expired)
            log.warning("events_expired", subscription=sub.id, count=expired)
            continue
        oldest = min(rendered.registered_at_ms for rendered in window)
        if not delivery.batch_ready(len(window), size, oldest, sub.max_wait_ms, now):
            return Cut(sub, wake_at=min(oldest + sub.max_wait_ms, now + FULL_BATCH_RECHECK_MS))
        batch = freeze(sub, window, now, oldest)
        return Cut(rules.advance(sub, head if not full else window[-1].seq, now), batch, drains=not full)
    return Cut(sub, wake_at=now)
