"""One delivery step: one transaction that records attempts, leases, prepares jobs and cuts ahead.

Recording is `pairhub.worker.recording`; this module leases, prepares and keeps the phases apart.

On SQLite every write transaction costs an fsync and the write lock, so one step serves many
subscriptions with a few bulk statements. Each phase first runs for all of them at once inside a
savepoint; when that fails, it runs again one subscription at a time, each in its own savepoint, so
that whatever goes wrong with one subscription (a receiver's odd answer, a bad stored value, a bug)
costs that subscription alone: it gets an attempt logged with the error, the others are committed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import structlog
from prometheus_client import Histogram

from pairhub.domain import delivery, fair_shares
from pairhub.domain import delivery_machine as rules
from pairhub.domain.delivery_machine import Send, WaitUntil
from pairhub.domain.subscriptions import Batch, Subscription
from pairhub.ports import Storage, StorageOutage, UnitOfWork
from pairhub.services.delivery import DeliveryConfig, Job, job_of
from pairhub.worker.bodies import Bodies
from pairhub.worker.cut import EXPIRED, cut
from pairhub.worker.recording import Finished, Held, Recorder

log = structlog.get_logger("pairhub.delivery")

STEP_SECONDS = Histogram(
    "pairhub_delivery_step_seconds",
    "Duration of delivery steps (one transaction each); attempts per step = attempts / steps.",
)

CANDIDATES_PER_SLOT = 4
PER_STEP = 16
"""A step leases at most this many subscriptions (the coordinator records as many attempts at most):
a wave of retries falling due together is served over a few short steps, not one long one."""

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class StepRequest:
    """What one transaction is asked to do."""

    finished: Sequence[Finished]
    """Attempts to record."""
    keep: Sequence[str]
    """Leased subscriptions (among the finished) whose next job to prepare."""
    give_back: Sequence[str]
    """Leased subscriptions (among the finished) to release after recording."""
    claim: int
    """The pool to lease more subscriptions into (0: lease none), shared by organization."""
    busy: frozenset[str]
    """Subscriptions with an attempt in flight here: never claimed again, whatever their lease says."""
    in_flight: Mapping[str, int] = field(default_factory=dict)
    """Slots each organization holds already: attempts in flight and subscriptions in `keep`."""
    cut_next: Mapping[str, str] = field(default_factory=dict)
    """Subscriptions with an attempt in flight here (`Job.cut_next`), by its batch: their next batch to
    cut ahead, queued behind it."""


class Step:
    """The transaction of a step, for one worker with its settings."""

    def __init__(
        self,
        storage: Storage,
        clock: Callable[[], int],
        config: DeliveryConfig,
        worker_id: str,
        jitter: Callable[[], float],
        bodies: Bodies | None = None,
    ) -> None:
        self._storage = storage
        self._now = clock
        self.config = config
        self.worker_id = worker_id
        self.jitter = jitter
        self._bodies = bodies or Bodies()
        self._recorder = Recorder(config, worker_id, jitter, self._bodies, clock)

    def __call__(self, request: StepRequest) -> list[Job]:
        """Record what finished, give back and lease subscriptions, and prepare their next jobs."""
        now = self._now()
        worker = self.worker_id
        going_on = frozenset(request.keep)
        with STEP_SECONDS.time(), self._storage.write() as uow:
            # A subscription that goes on is recorded and prepared in one savepoint, from the rows read
            # once, and written once: what it records and what it sends next commit together or not.
            continued, failed = self._isolated(
                uow,
                list(request.finished),
                lambda f: f.job.subscription_id,
                lambda group: self._record_and_prepare(uow, group, going_on, now),
                lambda group, error: self._recorder.record_failure(uow, group, error, now),
            )
            # A subscription whose step failed keeps its lease until it expires: that is its back-off.
            uow.subscriptions.release(
                [sub_id for sub_id in request.give_back if sub_id not in failed], worker
            )
            claimed = self._claim(uow, request, failed, now)
            started, not_prepared = self._isolated(
                uow, claimed, lambda sub_id: sub_id, lambda group: self._prepare(uow, group, now, {}), None
            )
            # Behind the batches in flight: the step that records one of them sends its successor at once.
            self._isolated(
                uow,
                list(request.cut_next),
                lambda sub_id: sub_id,
                lambda group: self._cut_ahead(uow, {s: request.cut_next[s] for s in group}, now),
                None,
            )
            jobs = [*continued, *started]
            serve = [*(sub_id for sub_id in request.keep if sub_id not in failed), *claimed]
            idle = set(serve).difference(job.subscription_id for job in jobs).difference(not_prepared)
            uow.subscriptions.release(idle, worker)
        return jobs

    def _record_and_prepare(
        self, uow: UnitOfWork, finished: Sequence[Finished], going_on: frozenset[str], now: int
    ) -> list[Job]:
        carried = {held.subscription.id: held for held in self._recorder.record(uow, finished, going_on, now)}
        return self._prepare(uow, list(carried), now, carried)

    def _claim(self, uow: UnitOfWork, request: StepRequest, failed: frozenset[str], now: int) -> list[str]:
        """Lease subscriptions with due work into the pool, each organization its share."""
        pool = request.claim
        if pool <= 0:
            return []
        # An organization never gets more than the pool; looking past a few pools' worth of
        # candidates would only find organizations whose turn comes in a later step.
        found = uow.subscriptions.candidates(now, request.busy | failed, pool, CANDIDATES_PER_SLOT * pool)
        chosen = fair_shares.admit(pool, request.in_flight, found)[:PER_STEP]
        return uow.subscriptions.lease(chosen, self.worker_id, now, now + self.config.lease_ms)

    def _isolated(
        self,
        uow: UnitOfWork,
        items: list[T],
        key: Callable[[T], str],
        run: Callable[[list[T]], list[R]],
        fail: Callable[[list[T], Exception], None] | None,
    ) -> tuple[list[R], frozenset[str]]:
        """Run for all items in a savepoint, or else per subscription; also return those that failed."""
        if not items:
            return [], frozenset()
        try:
            with uow.savepoint():
                return run(items), frozenset()
        except StorageOutage:
            raise  # the whole step fails: leases expire and the batches are sent again, same ids
        except Exception as error:
            log.warning("delivery_step_isolating", error=repr(error), subscriptions=len(items))
        groups: dict[str, list[T]] = {}
        for item in items:
            groups.setdefault(key(item), []).append(item)
        results: list[R] = []
        failed = set()
        for subscription_id, group in groups.items():
            try:
                with uow.savepoint():
                    done = run(group)
                results.extend(done)
            except StorageOutage:
                raise
            except Exception as error:
                failed.add(subscription_id)
                log.exception("delivery_subscription_failed", subscription=subscription_id)
                if fail is None:
                    continue
                try:
                    with uow.savepoint():
                        fail(group, error)
                except Exception:
                    log.exception("delivery_failure_not_logged", subscription=subscription_id)
        return results, frozenset(failed)

    # -- preparing --------------------------------------------------------------------------------

    def _prepare(
        self,
        uow: UnitOfWork,
        subscription_ids: Collection[str],
        now: int,
        carried: Mapping[str, Held],
    ) -> list[Job]:
        """Pick each subscription's batch to send now, cutting new ones; a few statements for all.

        The subscriptions recorded just before (`carried`) are taken as recorded; the others are read.
        """
        worker = self.worker_id
        subs = uow.subscriptions.leased(
            [sub_id for sub_id in subscription_ids if sub_id not in carried], worker, served_only=True
        )
        pending = uow.batches.pending_of(list(subs))
        held = [carried[sub_id] for sub_id in subscription_ids if sub_id in carried]
        served = uow.subscriptions.served({h.subscription.organization_id for h in held})
        for h in held:
            if h.subscription.organization_id in served:
                subs[h.subscription.id], pending[h.subscription.id] = h.subscription, h.pending
        heads = uow.events.heads({sub.organization_id for sub in subs.values()})
        cutoff = delivery.expiry_cutoff(now, self.config.retention_ms)
        planned = [
            (sub, self._next_job(uow, sub, pending[sub.id], heads.get(sub.organization_id, 0), now, cutoff))
            for sub in subs.values()
        ]
        # Saved when it changed, or is about to send (saving renews the lease for the attempt); a record
        # handed back as it was read (not served now) is not written, unless recording changed it.
        changed = [
            job.subscription
            for sub, job in planned
            if isinstance(job, Send) or job.subscription is not sub or sub.id in carried
        ]
        # Recorded, but no longer served (the organization's Datahub subscription ended): still written.
        changed += [h.subscription for h in held if h.subscription.id not in subs]
        uow.batches.add_many([job.batch for _, job in planned if isinstance(job, Send) and job.cut])
        uow.batches.save_many([batch for _, job in planned for batch in job.expired])
        uow.subscriptions.save_many(changed, worker, now + self.config.lease_ms)
        sending = [job for _, job in planned if isinstance(job, Send)]
        bodies = self._bodies
        # Pending batches are read without their bodies: those sent again now that this worker did not
        # send before are rebuilt from the outbox.
        again = uow.batches.get_many(
            [job.batch.id for job in sending if not job.batch.body and bodies.get(job.batch.id) is None]
        )
        jobs = []
        for send in sending:
            batch = send.batch
            body = bodies.get(batch.id) or (batch.body or again[batch.id].body).encode()
            bodies.keep(batch.id, body)
            jobs.append(
                job_of(send.subscription, batch.id, body, batch.event_count, now, send.drains, send.cut_next)
            )
        return jobs

    def _cut_ahead(self, uow: UnitOfWork, in_flight: Mapping[str, str], now: int) -> list[str]:
        """Cut the next batch of subscriptions whose batch is in flight, queued behind it; in bulk.

        Committed with the step and its body kept, so the step that records the batch in flight as
        delivered sends the next one at once. Returns the subscriptions that got one.
        """
        subs = uow.subscriptions.leased(list(in_flight), self.worker_id, served_only=True)
        pending = uow.batches.pending_of(list(subs))
        heads = uow.events.heads({sub.organization_id for sub in subs.values()})
        cutoff = delivery.expiry_cutoff(now, self.config.retention_ms)
        found = [
            (
                sub,
                rules.cut_ahead(
                    sub,
                    pending[sub.id],
                    in_flight[sub.id],
                    cut=partial(
                        self._cut, uow, head=heads.get(sub.organization_id, 0), now=now, cutoff=cutoff
                    ),
                ),
            )
            for sub in subs.values()
        ]
        ahead = [job.batch for _, job in found if job.batch is not None]
        uow.batches.add_many(ahead)
        changed = [job.subscription for sub, job in found if job.subscription is not sub]
        uow.subscriptions.save_many(changed, self.worker_id, now + self.config.lease_ms)
        for batch in ahead:
            self._bodies.keep(batch.id, batch.body.encode())
        return [batch.subscription_id for batch in ahead]

    @staticmethod
    def _cut(uow: UnitOfWork, current: Subscription, *, head: int, now: int, cutoff: int) -> rules.Cut:
        return cut(uow.events, current, head, now, cutoff)

    def _next_job(
        self, uow: UnitOfWork, sub: Subscription, pending: list[Batch], head: int, now: int, cutoff: int
    ) -> Send | WaitUntil:
        job = rules.next_job(
            sub,
            pending,
            now,
            cutoff=cutoff,
            probe_interval_ms=self.config.probe_interval_ms,
            cut=partial(self._cut, uow, head=head, now=now, cutoff=cutoff),
        )
        for gone in job.expired:
            EXPIRED.inc(gone.event_count)
            log.warning("batch_expired", subscription=sub.id, batch=gone.id)
        return job
