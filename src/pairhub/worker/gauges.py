"""The delivery gauges of the metrics: events waiting for delivery and subscriptions on hold."""

from __future__ import annotations

from prometheus_client import Gauge

from pairhub.domain.subscriptions import SubscriptionState
from pairhub.ports import Storage

# Across processes (entrypoints/metrics.py) the largest live value: every delivering process counts the
# same backlog, and the API processes' gauges stay at zero.
BACKLOG = Gauge(
    "pairhub_webhook_backlog_events",
    "Events waiting for delivery, all subscriptions.",
    multiprocess_mode="livemax",
)
ON_HOLD = Gauge(
    "pairhub_webhook_subscriptions_on_hold", "Subscriptions on hold.", multiprocess_mode="livemax"
)

PAGE = 1000


def backlog(storage: Storage) -> tuple[int, int]:
    """(events waiting across all subscriptions, subscriptions on hold), read in one snapshot."""
    with storage.read() as uow:
        on_hold = uow.subscriptions.count_on_hold()
        waiting = uow.batches.pending_events(None)
        after: str | None = None
        while True:
            page = uow.subscriptions.list(None, after, PAGE)
            for sub in page:
                if sub.state is not SubscriptionState.DISABLED:
                    waiting += uow.events.count_after(sub.organization_id, sub.cursor_seq, sub.event_names)
            if len(page) < PAGE:
                return waiting, on_hold
            after = page[-1].id


def refresh(storage: Storage) -> None:
    """Set both gauges from the storage."""
    waiting, on_hold = backlog(storage)
    BACKLOG.set(waiting)
    ON_HOLD.set(on_hold)
