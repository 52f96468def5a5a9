"""Use case: recover a subscription, sending every event since a moment again in new batches.

A receiver that lost data (a restore from backup, a bug on its side) asks for everything since then.
The events the subscription already had cut are frozen again into new batches (new `eventBatchId`s,
the same events in registration order), queued after the batches still pending and marked with the
number of the recovery in the delivery log. Events not cut yet are sent by the usual cutting anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from pairhub.domain import delivery
from pairhub.domain import delivery_machine as rules
from pairhub.domain.audit import AuditAction
from pairhub.domain.errors import Conflict, NotFound
from pairhub.domain.subscriptions import (
    RECOVERIES_PER_EVENT,
    Subscription,
    SubscriptionState,
)
from pairhub.ports import Clock, EventQuery, RenderedEvent, Storage, UnitOfWork
from pairhub.services import audit, organizations
from pairhub.services.delivery import freeze


@dataclass(frozen=True)
class Recovered:
    """What a recovery queued: how many events in how many batches, and its number."""

    events: int
    batches: int
    recovery: int


class Recovery:
    """Recovers subscriptions."""

    def __init__(self, storage: Storage, clock: Clock, retention_ms: int) -> None:
        self._storage = storage
        self._clock = clock
        self._retention_ms = retention_ms

    def recover(self, organization_id: str, subscription_id: str, since_ms: int) -> Recovered:
        """Queue every event registered since `since_ms` that was cut already, in new batches."""
        now = self._clock.now_ms()
        # Events past the retention would expire the moment their batch is looked at.
        since_ms = max(since_ms, delivery.expiry_cutoff(now, self._retention_ms))
        with self._storage.write() as uow:
            organizations.require_datahub(uow, organization_id)
            sub = uow.subscriptions.get(subscription_id, lock=True)
            if sub is None or sub.organization_id != organization_id:
                raise NotFound("subscription_not_found", f"Subscription {subscription_id} does not exist.")
            number = uow.batches.last_recovery(subscription_id) + 1
            if number >= RECOVERIES_PER_EVENT:
                raise Conflict(
                    "too_many_recoveries", f"Subscription {subscription_id} cannot be recovered again."
                )
            pending = uow.batches.pending_of([sub.id])[sub.id]
            # After the pending batches: due no sooner than the last of them.
            due_at = max([now, *(b.next_attempt_at or now for b in pending)])
            batches = [
                freeze(sub, window, now, due_at=due_at, recovery=number)
                for window in _windows(uow, sub, since_ms)
            ]
            if batches:
                uow.batches.add_many(batches)
                if sub.state is SubscriptionState.ACTIVE:
                    uow.subscriptions.save(rules.wait_until(sub, min(sub.next_attempt_at or now, now)))
            audit.note(
                uow,
                now,
                organization_id,
                AuditAction.SUBSCRIPTION_RECOVERED,
                ("subscription", subscription_id),
                after={"since": since_ms, "events": sum(b.event_count for b in batches)},
            )
        return Recovered(sum(b.event_count for b in batches), len(batches), number if batches else 0)


def _windows(uow: UnitOfWork, sub: Subscription, since_ms: int) -> list[list[RenderedEvent]]:
    """The already cut events since `since_ms`, in runs of at most `maxBatchSize` with no gap between."""
    first = uow.events.read(
        EventQuery(sub.organization_id, sub.event_names, 1, upto=sub.cursor_seq, since_ms=since_ms)
    )
    if not first:
        return []
    windows: list[list[RenderedEvent]] = []
    after = first[0].seq - 1
    while True:
        # Plain ranges from the first one on: a batch's body is rebuilt from exactly such a range.
        query = EventQuery(
            sub.organization_id, sub.event_names, sub.max_batch_size, after=after, upto=sub.cursor_seq
        )
        window = uow.events.rendered(query, sub.event_version)
        if not window:
            return windows
        windows.append(window)
        after = window[-1].seq
