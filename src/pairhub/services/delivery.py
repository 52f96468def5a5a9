"""Webhook delivery as a use case: what one attempt is, how it is signed and sent, and the `test` call.

The worker (`pairhub.worker`) cuts batches, leases subscriptions and records outcomes; this module is
what it shares with the API: the settings, the `Job` value and signing at send time.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace

import orjson
from prometheus_client import Histogram

from pairhub import __version__
from pairhub.contract.render import envelope_json, render_envelope
from pairhub.domain import delivery
from pairhub.domain.events import EventType, manual_pair, manual_unpair
from pairhub.domain.subscriptions import Batch, OAuth2ClientCredentials, Subscription, batch_time_ns
from pairhub.ports import Clock, RenderedEvent, Sender, SendResult
from pairhub.ports.webhooks import Signer
from pairhub.services.delivery_log import DeliveryLog
from pairhub.services.receiver_tokens import ReceiverTokens
from pairhub.services.subscriptions import Subscriptions

ATTEMPT_SECONDS = Histogram("pairhub_webhook_attempt_duration_seconds", "Duration of delivery attempts.")

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

    @property
    def retry(self) -> delivery.RetryPolicy:
        """The retry schedule and probe interval as one value."""
        return delivery.RetryPolicy(self.schedule_ms, self.probe_interval_ms)


TEST_HEADER = "webhook-test"
"""Sent with `true` on a test send only (`webhook-` names are reserved: no custom header clashes)."""


@dataclass(frozen=True)
class Job:
    """One attempt to make: a frozen batch and everything needed to sign and send it."""

    subscription_id: str
    organization_id: str
    url: str
    headers: dict[str, str]
    secrets: tuple[str, ...]
    batch_id: str
    body: bytes
    event_count: int
    signature_header: str = delivery.DEFAULT_SIGNATURE_HEADER
    auth: OAuth2ClientCredentials | None = None
    drains: bool = False
    """Nothing else of the subscription was due when the batch was cut: once delivered, recording
    the attempt can wait for the worker's next step instead of taking a transaction of its own."""
    cut_next: bool = False
    """The subscription's next batch may be cut while this one is in flight (`delivery_machine.cut_ahead`)."""


def freeze(
    sub: Subscription,
    window: list[RenderedEvent],
    now: int,
    oldest: int | None = None,
    *,
    due_at: int | None = None,
    recovery: int = 0,
) -> Batch:
    """A new batch of these events: its id and body never change again (`oldest`: their oldest time).

    It is due at `due_at` (now by default); a recovery's batches carry their recovery's number.
    """
    batch_id = str(uuid.uuid4())
    return Batch(
        id=batch_id,
        subscription_id=sub.id,
        first_seq=window[0].seq,
        last_seq=window[-1].seq,
        event_count=len(window),
        oldest_event_at=min(rendered.registered_at_ms for rendered in window) if oldest is None else oldest,
        body=envelope_json(batch_id, sub.id, batch_time_ns(now), [rendered.data for rendered in window]),
        created_at=now,
        next_attempt_at=now if due_at is None else due_at,
        event_version=sub.event_version,
        event_names=tuple(sub.event_names),
        recovery=recovery,
    )


def job_of(
    subscription: Subscription,
    batch_id: str,
    body: bytes,
    event_count: int,
    now: int,
    drains: bool = False,
    cut_next: bool = False,
) -> Job:
    """The job that sends `body` to this subscription, signed with the secrets valid at `now`."""
    return Job(
        subscription_id=subscription.id,
        organization_id=subscription.organization_id,
        url=subscription.url,
        headers=dict(subscription.custom_headers),
        secrets=delivery.signing_secrets(
            subscription.secret,
            subscription.previous_secret,
            subscription.previous_secret_expires_at,
            now,
        ),
        batch_id=batch_id,
        body=body,
        event_count=event_count,
        signature_header=subscription.signature_header,
        auth=subscription.auth,
        drains=drains,
        cut_next=cut_next,
    )


@dataclass(frozen=True)
class TestDelivery:
    """The answer to `test`: the sample batch's id and what the receiver said."""

    batch_id: str
    result: SendResult


class Delivery:
    """Signs and sends jobs; `test` sends one sample batch at once."""

    def __init__(
        self,
        subscriptions: Subscriptions,
        log: DeliveryLog,
        clock: Clock,
        wall_clock: Clock,
        config: DeliveryConfig,
        sender_factory: Callable[[], Sender],
        signer: Signer,
    ) -> None:
        self._subscriptions = subscriptions
        self._log = log
        self._signer = signer
        self._clock = clock
        # Signing timestamps are checked by receivers against their own clock, so they are always
        # real time, even when scheduling runs on a compressed or manual clock.
        self._wall_clock = wall_clock
        self.config = config
        self.sender_factory = sender_factory
        # Per process: each worker fetches and caches the tokens of the subscriptions it sends to.
        self._tokens = ReceiverTokens(clock, config.user_agent)

    @contextlib.asynccontextmanager
    async def sender(self) -> AsyncIterator[Sender]:
        """A sender from the factory, closed afterwards."""
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
            **self._signer.headers(job.secrets, job.batch_id, timestamp, job.body, job.signature_header),
        }
        if job.auth is None:
            result = await sender.send(job.url, job.body, headers)
        else:
            result = await self._tokens.send(
                sender, job.subscription_id, job.auth, job.url, job.body, headers
            )
        ATTEMPT_SECONDS.observe(result.duration_ms / 1000)
        return result

    async def send_test(self, organization_id: str, subscription_id: str) -> TestDelivery:
        """Send one sample batch at once (not stored, not counted) and report the receiver's answer.

        A delivered sample shows the receiver answers again: the pending batch is sent now instead of
        waiting for its next retry or probe. Every test send is recorded in the audit log.
        """
        job = await asyncio.to_thread(self._test_job, organization_id, subscription_id)
        async with self.sender() as sender:
            result = await self.send(sender, job)
        delivered = delivery.is_success(result.status)
        # The thread runs in a copy of this context: the entry names the caller the edge authorized.
        await asyncio.to_thread(self._log.tested, organization_id, subscription_id, result.status, delivered)
        return TestDelivery(job.batch_id, result)

    def _test_job(self, organization_id: str, subscription_id: str) -> Job:
        sub = self._subscriptions.get(organization_id, subscription_id).record
        now = self._clock.now_ms()
        name = sub.event_names[0]
        factory = manual_unpair if name == EventType.UNPAIRED.value else manual_pair
        event = factory(organization_id, SAMPLE_UNIT_ID, str(uuid.uuid4()), SAMPLE_VIN, now)
        batch_id = str(uuid.uuid4())
        envelope = render_envelope(batch_id, subscription_id, now * 1_000_000, [event], sub.event_version)
        job = job_of(sub, batch_id, orjson.dumps(envelope), 1, now)
        # The body is a normal batch (a receiver's parser sees nothing unusual); the header says it is a test.
        return replace(job, headers={**job.headers, TEST_HEADER: "true"})
