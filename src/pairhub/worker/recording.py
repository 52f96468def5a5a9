"""Recording finished attempts: each answer logged and applied to its batch and subscription, in bulk.

A step (`pairhub.worker.step`) records first, in its transaction, then prepares the next jobs from the
subscriptions as recorded here (`Held`), without reading them again. Values from a receiver are read
in one place (`answer_of`), whatever it sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import structlog
from prometheus_client import Counter

from pairhub.domain import delivery
from pairhub.domain import delivery_machine as rules
from pairhub.domain import subscriptions as records
from pairhub.domain.delivery import Outcome
from pairhub.domain.subscriptions import Attempt, Batch, BatchStatus, Subscription, SubscriptionState
from pairhub.domain.vocabulary import EventCount, result_of
from pairhub.ports import SendResult, UnitOfWork
from pairhub.services.delivery import DeliveryConfig, Job
from pairhub.worker.bodies import Bodies
from pairhub.worker.cut import EVENTS

log = structlog.get_logger("pairhub.delivery")

NOT_RECORDED = "notRecorded"
"""The result of an attempt whose answer was not applied (a lost lease, a failed recording)."""
ATTEMPTS = Counter(
    "pairhub_webhook_attempts_total",
    "Webhook delivery attempts by result (succeeded, retried, refused, notRecorded) and detailed outcome.",
    ["result", "outcome"],
)
_COUNTED = {
    name: ATTEMPTS.labels(str(result_of(name) or NOT_RECORDED), name)
    for name in (*(outcome.value for outcome in Outcome), records.LEASE_LOST, records.RECORDING_FAILED)
}
"""One child per outcome, looked up once: `labels()` takes a lock and costs more than the increment."""

_ENDED = {
    BatchStatus.DELIVERED: EVENTS.labels(EventCount.DELIVERED.value),
    BatchStatus.FAILED: EVENTS.labels(EventCount.REFUSED.value),
}

MAX_STATUS = 999
MAX_RETRY_AFTER_SHOWN = 40


@dataclass(frozen=True)
class Finished:
    """An attempt that came back: the job and what the receiver (or the network) said."""

    job: Job
    result: SendResult


@dataclass(frozen=True)
class Held:
    """A leased subscription as this step has it, with its pending batches (read without bodies)."""

    subscription: Subscription
    pending: list[Batch]


@dataclass(frozen=True)
class Recorded:
    """One attempt's consequence: the log entry and, unless the lease was lost, the new records."""

    attempt: Attempt
    subscription: Subscription | None = None
    batch: Batch | None = None


def readable(text: str | None) -> str | None:
    """Text from a receiver as it can be stored: no NUL, no lone surrogates (PostgreSQL refuses both)."""
    if text is None:
        return None
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


def answer_of(result: SendResult, now: int) -> tuple[int | None, int | None, str | None]:
    """The status, `Retry-After` delay and error text of a result, whatever the receiver sent."""
    status = result.status if result.status is not None and 0 <= result.status <= MAX_STATUS else None
    error = result.error
    if result.status is not None and status is None:
        error = f"The receiver answered with an impossible status {result.status!r}."
    retry_after_ms = delivery.parse_retry_after(result.retry_after, now)
    if result.retry_after is not None and retry_after_ms is None:
        shown = readable(result.retry_after[:MAX_RETRY_AFTER_SHOWN])
        note = f"Retry-After {shown!r} ignored: neither seconds nor an HTTP date."
        error = f"{error}; {note}" if error else note
    return status, retry_after_ms, readable(error)


class Recorder:
    """Records the attempts of one worker with its settings, inside the step's unit of work."""

    def __init__(
        self,
        config: DeliveryConfig,
        worker_id: str,
        jitter: Callable[[], float],
        bodies: Bodies,
        clock: Callable[[], int],
    ) -> None:
        self._config = config
        self._worker_id = worker_id
        self._jitter = jitter
        self._bodies = bodies
        self._now = clock

    def record(
        self, uow: UnitOfWork, finished: Sequence[Finished], going_on: frozenset[str], now: int
    ) -> list[Held]:
        """Log the attempts and apply their outcomes, with a few bulk statements for all of them.

        Returns the subscriptions that go on (`going_on`) as recorded, unsaved: preparing saves them.
        """
        subs = uow.subscriptions.leased({f.job.subscription_id for f in finished}, self._worker_id)
        pending = uow.batches.pending_of(list(subs))
        # An attempted batch is normally among its subscription's pending ones: read only the others.
        batches = {batch.id: batch for waiting in pending.values() for batch in waiting}
        batches.update(
            uow.batches.get_many([f.job.batch_id for f in finished if f.job.batch_id not in batches])
        )
        logged: list[Attempt] = []
        changed_subs: dict[str, Subscription] = {}
        changed_batches: dict[str, Batch] = {}
        for f in finished:
            batch = changed_batches.get(f.job.batch_id) or batches.get(f.job.batch_id)
            if batch is None:
                continue  # the subscription was deleted meanwhile
            sub = changed_subs.get(f.job.subscription_id) or subs.get(f.job.subscription_id)
            recorded = self._outcome(f, sub, batch, pending.get(f.job.subscription_id, []), now)
            logged.append(recorded.attempt)
            if recorded.subscription is not None and recorded.batch is not None:
                changed_subs[recorded.subscription.id] = recorded.subscription
                changed_batches[recorded.batch.id] = recorded.batch
        uow.attempts.add_many(logged)
        self._bodies.forget(b.id for b in changed_batches.values() if b.status is not BatchStatus.PENDING)
        uow.batches.save_many(list(changed_batches.values()))
        finished_now = {b.id for b in changed_batches.values() if b.status is not BatchStatus.PENDING}
        held = [
            Held(
                changed_subs.get(sub_id, sub),
                [changed_batches.get(b.id, b) for b in pending[sub_id] if b.id not in finished_now],
            )
            for sub_id, sub in subs.items()
            if sub_id in going_on
        ]
        saved = [sub for sub_id, sub in changed_subs.items() if sub_id not in going_on]
        uow.subscriptions.save_many(saved, self._worker_id, now + self._config.lease_ms)
        return held

    def _attempt(self, f: Finished, now: int, status: int | None, error: str | None, outcome: str) -> Attempt:
        return Attempt(
            batch_id=f.job.batch_id,
            subscription_id=f.job.subscription_id,
            attempted_at=now,
            duration_ms=max(0, f.result.duration_ms),
            status_code=status,
            response_excerpt=readable(f.result.excerpt),
            error=records.clip_error(error),
            outcome=outcome,
            worker=self._worker_id,
        )

    def _outcome(
        self, f: Finished, sub: Subscription | None, batch: Batch, pending: Iterable[Batch], now: int
    ) -> Recorded:
        status, retry_after_ms, error = answer_of(f.result, now)
        if sub is None or batch.status is not BatchStatus.PENDING:
            # Our lease expired and another worker owns the subscription now: it decides.
            _COUNTED[records.LEASE_LOST].inc()
            return Recorded(self._attempt(f, now, status, error, records.LEASE_LOST))
        on_hold = sub.state is SubscriptionState.ON_HOLD
        decision = self._config.retry.decide(
            status, batch.scheduled_attempts + 1, on_hold, now, retry_after_ms, self._jitter()
        )
        new_sub, new_batch = rules.apply(
            sub, batch, decision, status=status, error=error, now=now, others=pending
        )
        outcome = decision.outcome
        _COUNTED[outcome.value].inc()
        if new_batch.status is not batch.status and new_batch.status in _ENDED:
            _ENDED[new_batch.status].inc(batch.event_count)
        if outcome is not Outcome.DELIVERED:
            log.info(
                "webhook_attempt",
                subscription=sub.id,
                batch=batch.id,
                outcome=outcome.value,
                status=status,
                error=error,
            )
        if new_sub.state is SubscriptionState.ON_HOLD and sub.state is not SubscriptionState.ON_HOLD:
            log.warning("subscription_on_hold", subscription=sub.id, reason=new_sub.on_hold_reason)
        return Recorded(self._attempt(f, now, status, error, outcome.value), new_sub, new_batch)

    def record_failure(
        self, uow: UnitOfWork, finished: Sequence[Finished], error: Exception, now: int
    ) -> None:
        """The attempts whose outcome could not be applied: logged with the error, the batch tried later."""
        text = f"The outcome could not be recorded: {error!r}"
        uow.attempts.add_many(
            [
                self._attempt(f, now, answer_of(f.result, now)[0], text, records.RECORDING_FAILED)
                for f in finished
            ]
        )
        _COUNTED[records.RECORDING_FAILED].inc(len(finished))
        try:
            with uow.savepoint():
                self._defer(uow, finished, now + self._config.probe_interval_ms)
        except Exception:
            log.exception("delivery_defer_failed", subscription=finished[0].job.subscription_id)

    def _defer(self, uow: UnitOfWork, finished: Sequence[Finished], at: int) -> None:
        subs = uow.subscriptions.leased({f.job.subscription_id for f in finished}, self._worker_id)
        batches = uow.batches.get_many([f.job.batch_id for f in finished])
        for f in finished:
            sub, batch = subs.get(f.job.subscription_id), batches.get(f.job.batch_id)
            if sub is not None and batch is not None and batch.status is BatchStatus.PENDING:
                sub, batch = rules.deferred(sub, batch, at)
                uow.batches.save_many([batch])
                uow.subscriptions.save_many([sub], self._worker_id, self._now() + self._config.lease_ms)
