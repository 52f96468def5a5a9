"""The delivery log of a subscription and redelivery: batches with their attempts, sent again on request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pairhub.domain import delivery_machine as rules
from pairhub.domain.audit import AuditAction
from pairhub.domain.errors import NotFound
from pairhub.domain.subscriptions import Attempt, Batch, BatchStatus
from pairhub.ports import Clock, Storage, UnitOfWork
from pairhub.services import audit
from pairhub.services.pagination import CursorKind, Cursors, Page, check_retention, paginate
from pairhub.services.subscriptions import load

ATTEMPTS_SHOWN_PER_BATCH = 10


@dataclass(frozen=True)
class BatchView:
    """A batch of the delivery log, its latest attempts and the feed cursors of its first and last event."""

    record: Batch
    attempts: Sequence[Attempt]
    first_cursor: str
    last_cursor: str


class DeliveryLog:
    """What was sent to a subscription, and sending a batch again."""

    def __init__(self, storage: Storage, clock: Clock, cursors: Cursors) -> None:
        self._storage = storage
        self._clock = clock
        self._cursors = cursors

    def _batch_view(self, organization_id: str, batch: Batch, attempts: Sequence[Attempt]) -> BatchView:
        def cursor(seq: int) -> str:
            return self._cursors.encode(CursorKind.EVENTS, organization_id, seq)

        return BatchView(batch, attempts, cursor(batch.first_seq), cursor(batch.last_seq))

    def tested(self, organization_id: str, subscription_id: str, status: int | None, delivered: bool) -> None:
        """After a test send: recorded in the audit log by who sent it; when the receiver took it, a
        batch waiting for its retry or probe is due at once (one transaction for both)."""
        now = self._clock.now_ms()
        with self._storage.write() as uow:
            sub = load(uow, organization_id, subscription_id, lock=delivered)
            if delivered:
                pending = uow.batches.pending_of([sub.id])[sub.id]
                sub, due_now = rules.receiver_answers(sub, pending, now)
                uow.batches.save_many(due_now)
                uow.subscriptions.save(sub)
            audit.note(
                uow,
                now,
                organization_id,
                AuditAction.SUBSCRIPTION_TESTED,
                ("subscription", subscription_id),
                after={"status": status, "delivered": delivered},
            )

    def batches(
        self,
        organization_id: str,
        subscription_id: str,
        status: str | None,
        after: str | None,
        limit: int,
    ) -> Page[BatchView]:
        """The delivery log, newest batch first from the cursor on, each with its latest attempts."""
        wanted = BatchStatus(status) if status else None
        before = self._cursors.decode(CursorKind.BATCHES, organization_id, after)
        with self._storage.read() as uow:
            load(uow, organization_id, subscription_id)
            found = uow.batches.list(subscription_id, wanted, before, limit + 1)
            check_retention(
                before,
                found,
                lambda: uow.batches.oldest_position(subscription_id),
                lambda position: self._cursors.encode(CursorKind.BATCHES, organization_id, position),
            )
            attempts = uow.attempts.latest([b.id for b in found[:limit]], ATTEMPTS_SHOWN_PER_BATCH)
        views = [self._batch_view(organization_id, b, attempts.get(b.id, [])) for b in found]
        return paginate(
            views,
            limit,
            lambda view: self._cursors.encode(CursorKind.BATCHES, organization_id, view.record.log_position),
        )

    @staticmethod
    def _batch(uow: UnitOfWork, subscription_id: str, batch_id: str) -> Batch:
        found = uow.batches.get(batch_id)
        if found is None or found.subscription_id != subscription_id:
            raise NotFound("batch_not_found", f"Batch {batch_id} does not exist.")
        return found

    def batch(self, organization_id: str, subscription_id: str, batch_id: str) -> BatchView:
        """One batch with its frozen body and its latest attempts."""
        with self._storage.read() as uow:
            load(uow, organization_id, subscription_id)
            found = self._batch(uow, subscription_id, batch_id)
            attempts = uow.attempts.latest([batch_id], 100)[batch_id]
        return self._batch_view(organization_id, found, attempts)

    def redeliver(self, organization_id: str, subscription_id: str, batch_id: str) -> BatchView:
        """Queue a batch to be sent again with the same `eventBatchId` and the same bytes."""
        with self._storage.write() as uow:
            sub = load(uow, organization_id, subscription_id, lock=True)
            sub, again = rules.redeliver(
                sub, self._batch(uow, subscription_id, batch_id), self._clock.now_ms()
            )
            uow.batches.save_many([again])
            uow.subscriptions.save(sub)
            audit.note_subscription(
                uow, self._clock.now_ms(), AuditAction.SUBSCRIPTION_REDELIVERED, None, sub
            )
            attempts = uow.attempts.latest([batch_id], ATTEMPTS_SHOWN_PER_BATCH)[batch_id]
        return self._batch_view(organization_id, again, attempts)
