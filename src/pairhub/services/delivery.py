"""The delivery worker: cut frozen batches from each subscription's cursor, sign, send, log, decide."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import random
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import structlog
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import Connection, RowMapping

from pairhub import __version__
from pairhub.adapters.http.signing import signature_headers
from pairhub.adapters.sql import delivery_store as store
from pairhub.adapters.sql.engine import Database
from pairhub.contract.render import render_envelope
from pairhub.domain import delivery
from pairhub.domain.delivery import BatchStatus, Outcome, SubscriptionState
from pairhub.domain.events import EventType, PairingEvent, manual_pair, manual_unpair
from pairhub.ports import Clock, Sender, SendResult
from pairhub.services.delivery_loop import DeliveryLoop, Job, StepRequest
from pairhub.services.delivery_outcomes import Loaded, Recorder
from pairhub.services.subscriptions import Subscriptions, custom_headers, event_names

log = structlog.get_logger("pairhub.delivery")

ATTEMPT_SECONDS = Histogram("pairhub_webhook_attempt_duration_seconds", "Duration of delivery attempts.")
EXPIRED = Counter("pairhub_webhook_events_expired_total", "Events that expired before delivery.")
BACKLOG = Gauge("pairhub_webhook_backlog_events", "Events waiting for delivery, all subscriptions.")
ON_HOLD = Gauge("pairhub_webhook_subscriptions_on_hold", "Subscriptions on hold.")

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
            return await self._loop(sender).drain()

    async def run(self, stopping: asyncio.Event) -> None:
        """Deliver until `stopping` is set: many subscriptions in parallel, one batch in flight each."""
        woken = asyncio.Event()
        self._wake = (asyncio.get_running_loop(), woken)
        try:
            async with self._sender() as sender:
                await self._loop(sender).run(stopping, woken, self.config.poll_interval_s)
        finally:
            self._wake = None

    def _loop(self, sender: Sender) -> DeliveryLoop:
        return DeliveryLoop(self.step, functools.partial(self.send, sender), self.config.concurrency)

    @contextlib.asynccontextmanager
    async def _sender(self) -> AsyncIterator[Sender]:
        sender = self.sender_factory()
        try:
            yield sender
        finally:
            await sender.close()

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

    def step(self, request: StepRequest) -> list[Job]:
        """One transaction for many subscriptions: record finished attempts, lease more, prepare jobs."""
        now = self._clock.now_ms()
        with self._database.write() as connection:
            self._recorder().record_all(connection, request.finished, now)
            store.release(connection, request.give_back, self.worker_id)
            claimed = store.claim(
                connection, self.worker_id, now, self.config.lease_ms, request.claim, request.busy
            )
            jobs = self._prepare_all(connection, {*request.keep, *claimed}, now)
            idle = {*request.keep, *claimed}.difference(job.subscription_id for job in jobs)
            store.release(connection, idle, self.worker_id)
        self._refresh_gauges_in_background()
        return jobs

    def claim(self, limit: int) -> list[str]:
        """Lease up to `limit` subscriptions with due work."""
        now = self._clock.now_ms()
        with self._database.write() as connection:
            return store.claim(connection, self.worker_id, now, self.config.lease_ms, limit)

    def release(self, subscription_id: str) -> None:
        """Give a leased subscription back."""
        with self._database.write() as connection:
            store.release(connection, [subscription_id], self.worker_id)

    def prepare(self, subscription_id: str) -> Job | None:
        """Pick the batch to send now, cutting a new one from the cursor when none is pending."""
        now = self._clock.now_ms()
        with self._database.write() as connection:
            jobs = self._prepare_all(connection, {subscription_id}, now)
        return jobs[0] if jobs else None

    def record(self, job: Job, result: SendResult) -> Outcome | None:
        """Log the attempt and apply its consequence to the batch and the subscription."""
        now = self._clock.now_ms()
        with self._database.write() as connection:
            return self._recorder().record_all(connection, [(job, result)], now)[0]

    def _recorder(self) -> Recorder:
        # Built per step from the current settings: tests replace `jitter` on a live instance.
        config = self.config
        return Recorder(
            self.worker_id, config.schedule_ms, config.probe_interval_ms, config.lease_ms, self.jitter
        )

    def _prepare_all(self, connection: Connection, subscription_ids: Collection[str], now: int) -> list[Job]:
        loaded = Loaded.read(connection, subscription_ids, self.worker_id)
        heads = store.heads(connection, {sub["organization_id"] for sub in loaded.subs.values()})
        writes = store.Writes()
        jobs = []
        for sub in loaded.subs.values():
            job = self._prepare(connection, sub, loaded.pending[sub["id"]], heads, now, writes)
            if job is not None:
                jobs.append(job)
        writes.flush(connection)
        return jobs

    def _prepare(
        self,
        connection: Connection,
        sub: RowMapping,
        pending_before: list[RowMapping],
        heads: dict[str, int],
        now: int,
        writes: store.Writes,
    ) -> Job | None:
        if not sub["datahub_subscription_active"]:
            return None
        state = SubscriptionState(sub["state"])
        if state not in (SubscriptionState.ACTIVE, SubscriptionState.ON_HOLD):
            return None
        if state is SubscriptionState.ON_HOLD and (sub["next_attempt_at"] or 0) > now:
            return None
        cutoff = delivery.expiry_cutoff(now, self.config.retention_ms)
        pending = self._expire_pending(connection, sub, pending_before, cutoff, now)
        batch: Mapping[Any, Any] | None = None
        wake_at: int | None = None
        if state is SubscriptionState.ON_HOLD and pending:
            batch = pending[0]  # the probe: the held batch, whatever its schedule said
        elif pending:
            due = [b for b in pending if b["next_attempt_at"] is not None and b["next_attempt_at"] <= now]
            batch = due[0] if due else None
        else:
            head = heads.get(sub["organization_id"], 0)
            batch, wake_at = self._cut(connection, sub, now, cutoff, head, writes)
        if batch is None:
            if state is SubscriptionState.ON_HOLD:
                next_at: int | None = now + self.config.probe_interval_ms
            else:
                retries = (b["next_attempt_at"] for b in pending if b["next_attempt_at"])
                next_at = min(retries, default=wake_at)
            writes.subscriptions.append((sub["id"], {"next_attempt_at": next_at}))
            return None
        if pending:  # a cut batch renewed the lease with the cursor move
            writes.subscriptions.append((sub["id"], {"lease_expires_at": now + self.config.lease_ms}))
        return Job(
            subscription_id=sub["id"],
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
        self, connection: Connection, sub: RowMapping, pending: list[RowMapping], cutoff: int, now: int
    ) -> list[RowMapping]:
        kept = []
        for batch in pending:
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
        self, connection: Connection, sub: RowMapping, now: int, cutoff: int, head: int, writes: store.Writes
    ) -> tuple[Mapping[Any, Any] | None, int | None]:
        """Freeze the next batch and advance the cursor in this one transaction; or say when to look again.

        `head` was read before the window: on PostgreSQL every event up to it is already visible.
        """
        organization_id, size = sub["organization_id"], sub["max_batch_size"]
        names = event_names(sub)
        cursor = sub["cursor_seq"]
        for _ in range(MAX_EXPIRY_ROUNDS):
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
            return self._freeze(sub, rows, head if not full else rows[-1][0], now, writes), None
        return None, now

    def _freeze(
        self,
        sub: RowMapping,
        rows: list[tuple[int, PairingEvent]],
        new_cursor: int,
        now: int,
        writes: store.Writes,
    ) -> dict[str, Any]:
        batch_id = str(uuid.uuid4())
        envelope = render_envelope(
            batch_id, sub["id"], now * 1_000_000, [event for _, event in rows], sub["event_version"]
        )
        batch = {
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
        }
        # Inserted with the cursor move when the step flushes its writes: the same transaction.
        writes.new_batches.append(batch)
        lease = now + self.config.lease_ms
        moved = {"cursor_seq": new_cursor, "next_attempt_at": now, "lease_expires_at": lease}
        writes.subscriptions.append((sub["id"], moved))
        return batch

    def _refresh_gauges_in_background(self) -> None:
        # The backlog gauge counts every subscription's waiting events: run it beside the steps, never
        # inside one, or every tenth second a step (and each delivery waiting on it) stalls.
        now = self._clock.now_ms()
        if self._gauges_at is not None and now - self._gauges_at < GAUGE_REFRESH_MS:
            return
        self._gauges_at = now
        threading.Thread(target=self._refresh_gauges, name="delivery-gauges", daemon=True).start()

    def _refresh_gauges(self) -> None:
        try:
            with self._database.read() as connection:
                waiting, on_hold = store.gauges(connection)
        except Exception:
            log.exception("delivery_gauges_failed")
            return
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
