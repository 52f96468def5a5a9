"""The delivery worker: cut frozen batches from each subscription's cursor, sign, send, log, decide."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import orjson
import structlog
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import Connection, RowMapping

from pairhub import __version__
from pairhub.adapters.db import delivery_store as store
from pairhub.adapters.db.engine import Database
from pairhub.adapters.http.sender import Sender, SendResult
from pairhub.adapters.http.signing import signature_headers
from pairhub.contract.render import render_envelope
from pairhub.domain import delivery
from pairhub.domain.clock import Clock
from pairhub.domain.delivery import BatchStatus, Outcome, SubscriptionState
from pairhub.domain.events import EventType, PairingEvent, manual_pair, manual_unpair
from pairhub.services.subscriptions import Subscriptions, custom_headers, event_names

log = structlog.get_logger("pairhub.delivery")

ATTEMPTS = Counter("pairhub_webhook_attempts_total", "Webhook delivery attempts by outcome.", ["outcome"])
ATTEMPT_SECONDS = Histogram("pairhub_webhook_attempt_duration_seconds", "Duration of delivery attempts.")
EXPIRED = Counter("pairhub_webhook_events_expired_total", "Events that expired before delivery.")
BACKLOG = Gauge("pairhub_webhook_backlog_events", "Events waiting for delivery, all subscriptions.")
ON_HOLD = Gauge("pairhub_webhook_subscriptions_on_hold", "Subscriptions on hold.")

BATCHES_PER_LEASE = 50
"""A worker gives a busy subscription back after this many attempts so the others get their turn."""

FULL_BATCH_RECHECK_MS = 1000
"""While a partial batch waits for `maxWaitMs`, look this often whether it has filled up meanwhile."""

MAX_EXPIRY_ROUNDS = 100
GAUGE_REFRESH_MS = 10_000
SAMPLE_UNIT_ID = "test:000000000000000"
SAMPLE_VIN = "1HGCM82633A000001"


@dataclass(frozen=True)
class DeliveryConfig:
    """Delivery settings in milliseconds, as the worker uses them."""

    schedule_ms: tuple[int, ...]
    timeout_s: float
    probe_interval_ms: int
    retention_ms: int
    lease_ms: int
    poll_interval_s: float
    concurrency: int
    user_agent: str = f"pairhub/{__version__}"


@dataclass(frozen=True)
class Job:
    """One attempt to make: a frozen batch and everything needed to sign and send it."""

    subscription_id: str
    url: str
    headers: dict[str, str]
    secrets: tuple[str, ...]
    batch_id: str
    body: bytes
    event_count: int


@dataclass(frozen=True)
class TestDelivery:
    """The answer to `test`: the sample batch's id and what the receiver said."""

    batch_id: str
    result: SendResult


def default_worker_id() -> str:
    """Host, process and a random suffix: unique per worker process, readable in the attempt log."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[:100]


def _uniform_jitter() -> float:
    # Spreading retries needs no cryptographic randomness.
    return random.uniform(-1.0, 1.0)


class Delivery:
    """Use case: deliver every subscription's events as signed, batched webhooks, at least once."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        wall_clock: Clock,
        config: DeliveryConfig,
        sender_factory: Callable[[], Sender],
        subscriptions: Subscriptions,
        worker_id: str | None = None,
        jitter: Callable[[], float] = _uniform_jitter,
    ) -> None:
        self._database = database
        self._clock = clock
        # Signing timestamps are checked by receivers against their own clock, so they are always
        # real time, even when scheduling runs on a compressed or manual clock.
        self._wall_clock = wall_clock
        self.config = config
        self.sender_factory = sender_factory
        self._subscriptions = subscriptions
        self.worker_id = worker_id or default_worker_id()
        self.jitter = jitter
        self._gauges_at: int | None = None
        self._wake: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None
        database.on_outbox_commit(self._events_committed)

    def _events_committed(self) -> None:
        # Called from whichever thread committed events: wake a running loop of this process at once
        # instead of leaving the new events to the next poll (other processes still poll).
        wake = self._wake
        if wake is not None:
            loop, event = wake
            with contextlib.suppress(RuntimeError):  # the loop is shutting down
                loop.call_soon_threadsafe(event.set)

    # -- the loop --------------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Serve every subscription with due work until it has none left now; return the attempts made."""
        async with self._sender() as sender:
            ids = await asyncio.to_thread(self.claim, self.config.concurrency)
            results = await asyncio.gather(*(self._serve(sid, sender) for sid in ids), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return sum(result for result in results if isinstance(result, int))

    async def run(self, stopping: asyncio.Event) -> None:
        """Deliver until `stopping` is set: many subscriptions in parallel, one batch in flight each."""
        tasks: set[asyncio.Task[int]] = set()
        stop_waiter = asyncio.ensure_future(stopping.wait())
        woken = asyncio.Event()
        self._wake = (asyncio.get_running_loop(), woken)
        async with self._sender() as sender:
            try:
                while not stopping.is_set():
                    woken.clear()
                    capacity = self.config.concurrency - len(tasks)
                    if capacity > 0:
                        for subscription_id in await asyncio.to_thread(self.claim, capacity):
                            task = asyncio.create_task(self._serve(subscription_id, sender))
                            tasks.add(task)
                            task.add_done_callback(tasks.discard)
                            task.add_done_callback(_log_failure)
                    await asyncio.to_thread(self._refresh_gauges)
                    wake_waiter = asyncio.ensure_future(woken.wait())
                    await asyncio.wait(
                        {stop_waiter, wake_waiter, *tasks},
                        timeout=self.config.poll_interval_s,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    wake_waiter.cancel()
            finally:
                self._wake = None
                stop_waiter.cancel()
                # In-flight attempts end within the delivery timeout; let them record their outcome.
                await asyncio.gather(*tasks, return_exceptions=True)

    @contextlib.asynccontextmanager
    async def _sender(self) -> AsyncIterator[Sender]:
        sender = self.sender_factory()
        try:
            yield sender
        finally:
            await sender.close()

    async def _serve(self, subscription_id: str, sender: Sender) -> int:
        attempts = 0
        try:
            for _ in range(BATCHES_PER_LEASE):
                job = await asyncio.to_thread(self.prepare, subscription_id)
                if job is None:
                    break
                result = await self.send(sender, job)
                await asyncio.to_thread(self.record, job, result)
                attempts += 1
        finally:
            await asyncio.to_thread(self.release, subscription_id)
        return attempts

    async def send(self, sender: Sender, job: Job) -> SendResult:
        """Sign the frozen body now (fresh timestamp, same id and bytes) and post it."""
        timestamp = self._wall_clock.now_ms() // 1000
        headers = {
            **job.headers,
            "Content-Type": "application/json",
            "User-Agent": self.config.user_agent,
            **signature_headers(job.secrets, job.batch_id, timestamp, job.body),
        }
        result = await sender.send(job.url, job.body, headers)
        ATTEMPT_SECONDS.observe(result.duration_ms / 1000)
        return result

    # -- transactions (run in threads) ------------------------------------------------------------

    def claim(self, limit: int) -> list[str]:
        """Lease up to `limit` subscriptions with due work."""
        now = self._clock.now_ms()
        with self._database.write() as connection:
            return store.claim(connection, self.worker_id, now, self.config.lease_ms, limit)

    def release(self, subscription_id: str) -> None:
        """Give a leased subscription back."""
        with self._database.write() as connection:
            store.release(connection, subscription_id, self.worker_id)

    def prepare(self, subscription_id: str) -> Job | None:
        """Pick the batch to send now, cutting a new one from the cursor when none is pending."""
        now = self._clock.now_ms()
        with self._database.write() as connection:
            sub = store.leased(connection, subscription_id, self.worker_id)
            if sub is None or not sub["datahub_subscription_active"]:
                return None
            state = SubscriptionState(sub["state"])
            if state not in (SubscriptionState.ACTIVE, SubscriptionState.ON_HOLD):
                return None
            if state is SubscriptionState.ON_HOLD and (sub["next_attempt_at"] or 0) > now:
                return None
            cutoff = delivery.expiry_cutoff(now, self.config.retention_ms)
            pending = self._expire_pending(connection, sub, cutoff, now)
            batch: RowMapping | None = None
            wake_at: int | None = None
            if state is SubscriptionState.ON_HOLD and pending:
                batch = pending[0]  # the probe: the held batch, whatever its schedule said
            elif pending:
                due = [b for b in pending if b["next_attempt_at"] is not None and b["next_attempt_at"] <= now]
                batch = due[0] if due else None
            else:
                batch, wake_at = self._cut(connection, sub, now, cutoff)
            if batch is None:
                if state is SubscriptionState.ON_HOLD:
                    next_at: int | None = now + self.config.probe_interval_ms
                else:
                    next_at = min(
                        (b["next_attempt_at"] for b in pending if b["next_attempt_at"]), default=wake_at
                    )
                store.update_subscription(connection, subscription_id, next_attempt_at=next_at)
                return None
            store.renew(connection, subscription_id, self.worker_id, now + self.config.lease_ms)
            return Job(
                subscription_id=subscription_id,
                url=sub["url"],
                headers=custom_headers(sub),
                secrets=delivery.signing_secrets(
                    sub["secret"], sub["previous_secret"], sub["previous_secret_expires_at"], now
                ),
                batch_id=batch["id"],
                body=batch["body"].encode("utf-8"),
                event_count=batch["event_count"],
            )

    def _expire_pending(
        self, connection: Connection, sub: RowMapping, cutoff: int, now: int
    ) -> list[RowMapping]:
        kept = []
        for batch in store.pending_batches(connection, sub["id"]):
            if batch["oldest_event_at"] < cutoff:
                store.update_batch(
                    connection,
                    batch["id"],
                    status=BatchStatus.EXPIRED.value,
                    completed_at=now,
                    next_attempt_at=None,
                )
                store.add_counter(connection, sub["id"], "events_expired", batch["event_count"])
                EXPIRED.inc(batch["event_count"])
                log.warning("batch_expired", subscription=sub["id"], batch=batch["id"])
            else:
                kept.append(batch)
        return kept

    def _cut(
        self, connection: Connection, sub: RowMapping, now: int, cutoff: int
    ) -> tuple[RowMapping | None, int | None]:
        """Freeze the next batch and advance the cursor in this one transaction; or say when to look again."""
        organization_id, size = sub["organization_id"], sub["max_batch_size"]
        names = event_names(sub)
        cursor = sub["cursor_seq"]
        for _ in range(MAX_EXPIRY_ROUNDS):
            head = store.head_seq(connection, organization_id)
            if head <= cursor:
                return None, None
            rows = store.window(connection, organization_id, cursor, head, names, size)
            full = len(rows) == size
            if not rows:
                # Only events this subscription does not ask for: step over them.
                store.update_subscription(connection, sub["id"], cursor_seq=head)
                return None, None
            expired = 0
            while expired < len(rows) and rows[expired][1].registered_at_ms < cutoff:
                expired += 1
            if expired:
                cursor = rows[expired - 1][0] if expired < len(rows) or full else head
                store.update_subscription(connection, sub["id"], cursor_seq=cursor)
                store.add_counter(connection, sub["id"], "events_expired", expired)
                EXPIRED.inc(expired)
                log.warning("events_expired", subscription=sub["id"], count=expired)
                continue
            oldest = min(event.registered_at_ms for _, event in rows)
            if not delivery.batch_ready(len(rows), size, oldest, sub["max_wait_ms"], now):
                return None, min(oldest + sub["max_wait_ms"], now + FULL_BATCH_RECHECK_MS)
            return self._freeze(connection, sub, rows, head if not full else rows[-1][0], now), None
        return None, now

    def _freeze(
        self,
        connection: Connection,
        sub: RowMapping,
        rows: list[tuple[int, PairingEvent]],
        new_cursor: int,
        now: int,
    ) -> RowMapping:
        batch_id = str(uuid.uuid4())
        envelope = render_envelope(
            batch_id, sub["id"], now * 1_000_000, [event for _, event in rows], sub["event_version"]
        )
        store.insert_batch(
            connection,
            {
                "id": batch_id,
                "subscription_id": sub["id"],
                "first_seq": rows[0][0],
                "last_seq": rows[-1][0],
                "event_count": len(rows),
                "oldest_event_at": min(event.registered_at_ms for _, event in rows),
                "body": orjson.dumps(envelope).decode("utf-8"),
                "created_at": now,
                "status": BatchStatus.PENDING.value,
                "attempts": 0,
                "next_attempt_at": now,
            },
        )
        store.update_subscription(connection, sub["id"], cursor_seq=new_cursor, next_attempt_at=now)
        batch = store.batch(connection, batch_id)
        assert batch is not None
        return batch

    def record(self, job: Job, result: SendResult) -> Outcome | None:
        """Log the attempt and apply its consequence to the batch and the subscription."""
        now = self._clock.now_ms()
        with self._database.write() as connection:
            sub = store.leased(connection, job.subscription_id, self.worker_id)
            batch = store.batch(connection, job.batch_id)
            if batch is None:
                return None  # the subscription was deleted meanwhile
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
                store.insert_attempt(connection, {**attempt, "outcome": "leaseLost"})
                ATTEMPTS.labels("leaseLost").inc()
                return None
            state = SubscriptionState(sub["state"])
            tries = batch["attempts"] + 1
            decision = delivery.decide(
                status=result.status,
                attempts=tries,
                state=state,
                now=now,
                schedule_ms=self.config.schedule_ms,
                probe_interval_ms=self.config.probe_interval_ms,
                retry_after_ms=delivery.parse_retry_after(result.retry_after, now),
                jitter=self.jitter(),
            )
            store.insert_attempt(connection, {**attempt, "outcome": decision.outcome.value})
            self._apply(connection, sub, batch, decision, result, tries, now)
            store.renew(connection, job.subscription_id, self.worker_id, now + self.config.lease_ms)
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
        connection: Connection,
        sub: RowMapping,
        batch: RowMapping,
        decision: delivery.Decision,
        result: SendResult,
        tries: int,
        now: int,
    ) -> None:
        sub_id, state = sub["id"], SubscriptionState(sub["state"])
        batch_values: dict[str, Any] = {
            "attempts": tries,
            "last_attempt_at": now,
            "last_status": result.status,
            "last_error": (result.error or None) and result.error[:500],
            "next_attempt_at": decision.next_attempt_at,
        }
        sub_values: dict[str, Any] = {}
        outcome = decision.outcome
        if outcome in (Outcome.DELIVERED, Outcome.FAILED):
            finished = BatchStatus.DELIVERED if outcome is Outcome.DELIVERED else BatchStatus.FAILED
            batch_values.update(status=finished.value, completed_at=now)
            counter = "events_delivered" if outcome is Outcome.DELIVERED else "events_failed"
            store.add_counter(connection, sub_id, counter, batch["event_count"])
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
        store.update_batch(connection, batch["id"], **batch_values)
        if state is SubscriptionState.ACTIVE and outcome is not Outcome.DISABLED:
            pending = [b["next_attempt_at"] for b in store.pending_batches(connection, sub_id)]
            sub_values["next_attempt_at"] = min((at for at in pending if at is not None), default=None)
        if sub_values:
            store.update_subscription(connection, sub_id, **sub_values)

    def _refresh_gauges(self) -> None:
        now = self._clock.now_ms()
        if self._gauges_at is not None and now - self._gauges_at < GAUGE_REFRESH_MS:
            return
        self._gauges_at = now
        with self._database.read() as connection:
            waiting, on_hold = store.gauges(connection)
        BACKLOG.set(waiting)
        ON_HOLD.set(on_hold)

    # -- test ------------------------------------------------------------------------------------

    async def send_test(self, organization_id: str, subscription_id: str) -> TestDelivery:
        """Send one sample batch at once (not stored, not counted) and report the receiver's answer."""
        job = await asyncio.to_thread(self._test_job, organization_id, subscription_id)
        async with self._sender() as sender:
            result = await self.send(sender, job)
        return TestDelivery(job.batch_id, result)

    def _test_job(self, organization_id: str, subscription_id: str) -> Job:
        sub = self._subscriptions.get(organization_id, subscription_id).row
        now = self._clock.now_ms()
        sample_asset = str(uuid.uuid4())
        name = event_names(sub)[0]
        factory = manual_unpair if name == EventType.UNPAIRED.value else manual_pair
        event = factory(organization_id, SAMPLE_UNIT_ID, sample_asset, SAMPLE_VIN, now)
        batch_id = str(uuid.uuid4())
        envelope = render_envelope(batch_id, subscription_id, now * 1_000_000, [event], sub["event_version"])
        return Job(
            subscription_id=subscription_id,
            url=sub["url"],
            headers=custom_headers(sub),
            secrets=delivery.signing_secrets(
                sub["secret"], sub["previous_secret"], sub["previous_secret_expires_at"], now
            ),
            batch_id=batch_id,
            body=orjson.dumps(envelope),
            event_count=1,
        )


def _log_failure(task: asyncio.Task[int]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("delivery_failed", error=repr(task.exception()))
