"""Recording delivery attempts in bulk: the attempt log, then each batch's and subscription's new state."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from prometheus_client import Counter
from sqlalchemy import Connection, RowMapping

from pairhub.adapters.sql import delivery_store as store
from pairhub.domain import delivery
from pairhub.domain.delivery import BatchStatus, Outcome, SubscriptionState
from pairhub.ports import SendResult
from pairhub.services.delivery_loop import Job

log = structlog.get_logger("pairhub.delivery")

ATTEMPTS = Counter("pairhub_webhook_attempts_total", "Webhook delivery attempts by outcome.", ["outcome"])


@dataclass(frozen=True)
class Loaded:
    """Rows read in bulk for one phase of a step: the leased subscriptions and their pending batches."""

    subs: dict[str, RowMapping]
    pending: dict[str, list[RowMapping]]

    @classmethod
    def read(cls, connection: Connection, subscription_ids: Collection[str], worker: str) -> Loaded:
        """Lock the rows `worker` still holds and read their pending batches: two statements for all."""
        subs = store.leased(connection, subscription_ids, worker)
        return cls(subs, store.pending_of(connection, list(subs)))


@dataclass(frozen=True)
class Recorder:
    """Applies the outcomes of attempts for one worker, with its retry schedule and lease length."""

    worker_id: str
    schedule_ms: tuple[int, ...]
    probe_interval_ms: int
    lease_ms: int
    jitter: Callable[[], float]

    def record_all(
        self, connection: Connection, finished: Sequence[tuple[Job, SendResult]], now: int
    ) -> list[Outcome | None]:
        """Log the attempts and apply their consequences, with a few statements for all of them."""
        loaded = Loaded.read(connection, {job.subscription_id for job, _ in finished}, self.worker_id)
        batches = store.batches_by_id(connection, [job.batch_id for job, _ in finished])
        writes = store.Writes()
        outcomes = [
            self._record(job, result, now, loaded, batches.get(job.batch_id), writes)
            for job, result in finished
        ]
        writes.flush(connection)
        return outcomes

    def _record(
        self,
        job: Job,
        result: SendResult,
        now: int,
        loaded: Loaded,
        batch: RowMapping | None,
        writes: store.Writes,
    ) -> Outcome | None:
        if batch is None:
            return None  # the subscription was deleted meanwhile
        sub = loaded.subs.get(job.subscription_id)
        attempt = {
            "batch_id": job.batch_id,
            "subscription_id": job.subscription_id,
            "attempted_at": now,
            "duration_ms": result.duration_ms,
            "status_code": result.status,
            "response_excerpt": result.excerpt,
            "error": (result.error or None) and result.error[:500],
            "worker": self.worker_id,
        }
        if sub is None or batch["status"] != BatchStatus.PENDING.value:
            # Our lease expired and another worker owns the subscription now: it decides.
            writes.attempts.append({**attempt, "outcome": "leaseLost"})
            ATTEMPTS.labels("leaseLost").inc()
            return None
        state = SubscriptionState(sub["state"])
        tries = batch["attempts"] + 1
        decision = delivery.decide(
            status=result.status,
            attempts=tries,
            state=state,
            now=now,
            schedule_ms=self.schedule_ms,
            probe_interval_ms=self.probe_interval_ms,
            retry_after_ms=delivery.parse_retry_after(result.retry_after, now),
            jitter=self.jitter(),
        )
        writes.attempts.append({**attempt, "outcome": decision.outcome.value})
        self._apply(sub, batch, loaded.pending[sub["id"]], decision, result, tries, now, writes)
        ATTEMPTS.labels(decision.outcome.value).inc()
        if decision.outcome is not Outcome.DELIVERED:
            log.info(
                "webhook_attempt",
                subscription=job.subscription_id,
                batch=job.batch_id,
                outcome=decision.outcome.value,
                status=result.status,
                error=result.error,
            )
        return decision.outcome

    def _apply(
        self,
        sub: RowMapping,
        batch: RowMapping,
        pending: list[RowMapping],
        decision: delivery.Decision,
        result: SendResult,
        tries: int,
        now: int,
        writes: store.Writes,
    ) -> None:
        """Update the batch and then the subscription row, once each (the row is locked: plain values)."""
        sub_id, state = sub["id"], SubscriptionState(sub["state"])
        batch_values: dict[str, Any] = {
            "attempts": tries,
            "last_attempt_at": now,
            "last_status": result.status,
            "last_error": (result.error or None) and result.error[:500],
            "next_attempt_at": decision.next_attempt_at,
        }
        sub_values: dict[str, Any] = {"lease_expires_at": now + self.lease_ms}
        outcome = decision.outcome
        if outcome in (Outcome.DELIVERED, Outcome.FAILED):
            finished = BatchStatus.DELIVERED if outcome is Outcome.DELIVERED else BatchStatus.FAILED
            batch_values.update(status=finished.value, completed_at=now)
            counter = "events_delivered" if outcome is Outcome.DELIVERED else "events_failed"
            sub_values[counter] = sub[counter] + batch["event_count"]
            if state is SubscriptionState.ON_HOLD:
                # The receiver answers again: the hold is over.
                sub_values.update(
                    state=SubscriptionState.ACTIVE.value, on_hold_since=None, on_hold_reason=None
                )
                state = SubscriptionState.ACTIVE
        elif outcome is Outcome.DISABLED:
            sub_values.update(
                state=SubscriptionState.DISABLED.value,
                disabled_at=now,
                disabled_reason="The receiver answered 410 Gone.",
                next_attempt_at=None,
            )
        elif outcome is Outcome.ON_HOLD and state is SubscriptionState.ACTIVE:
            sub_values.update(
                state=SubscriptionState.ON_HOLD.value,
                on_hold_since=now,
                on_hold_reason=delivery.hold_reason(tries, result.status, result.error),
                next_attempt_at=decision.next_attempt_at,
            )
            state = SubscriptionState.ON_HOLD
            log.warning("subscription_on_hold", subscription=sub_id, reason=sub_values["on_hold_reason"])
        elif outcome is Outcome.PROBE_FAILED:
            sub_values["next_attempt_at"] = decision.next_attempt_at
        writes.batches.append((batch["id"], batch_values))
        if state is SubscriptionState.ACTIVE and outcome is not Outcome.DISABLED:
            # The pending batches as they are now: the others, and this one unless it is finished.
            waiting = [b["next_attempt_at"] for b in pending if b["id"] != batch["id"]]
            if outcome not in (Outcome.DELIVERED, Outcome.FAILED):
                waiting.append(decision.next_attempt_at)
            sub_values["next_attempt_at"] = min((at for at in waiting if at is not None), default=None)
        writes.subscriptions.append((sub_id, sub_values))
