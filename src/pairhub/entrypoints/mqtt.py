"""Unit messages over MQTT: a QoS 1 subscription of its own feeding the ingest use case, acked after commit.

Every process (`serve`, `worker`) with `PAIRHUB_MQTT_URL` set subscribes to the topic with an MQTT 5
session the broker keeps (never a clean start, `PAIRHUB_MQTT_SESSION_EXPIRY`), so what is published
while pairhub is away, or while the broker restarts with its persistence on, is kept for it. The
subscription is the process's own rather than a `$share` group, because brokers do not all keep shared
subscriptions across their restarts (Mosquitto 2.0 does not); several processes split the units instead
(`PAIRHUB_MQTT_PARTITION=k/n`, by a hash of the unit id), so one unit's messages always go to one
process, in order; each subscriber judges, from the heartbeats, whether the live processes' partitions
overlap or leave units untaken (`domain/partitions.py`), and says so. A message is acknowledged only once
what it caused is committed; a message the broker sends again (DUP) whose digest was taken already is
acknowledged without a second effect (`services/taken_messages`). Refused messages are counted and
published with their reason to the topic derived from the configured one (`refusal_topic`); nothing is
dropped silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import structlog
from prometheus_client import Counter, Gauge

from pairhub.bootstrap import Container
from pairhub.domain.partitions import (
    WHOLE,
    Coverage,
    Partition,
    Subscriber,
    coverage,
    gap_text,
    overlap_text,
)
from pairhub.entrypoints.unit_messages import Delivery, parse_payload
from pairhub.ports import StorageOutage
from pairhub.ports.broker import Broker, BrokerConnection, BrokerMessage, BrokerUnavailable, Session
from pairhub.services.ingest import MAX_MESSAGES, IngestResult, Rejection, UnitMessage
from pairhub.services.taken_messages import digest_of

log = structlog.get_logger("pairhub.mqtt")

MESSAGES = Counter("pairhub_mqtt_messages_total", "Unit messages taken over MQTT, by outcome.", ["outcome"])

PARTITIONS = Gauge(
    "pairhub_mqtt_partitions_unsound",
    "1 while the live MQTT subscribers' partitions overlap (units taken twice) or leave units untaken.",
    ["problem"],
    multiprocess_mode="livemax",  # across processes: 1 when any subscriber sees it
)

MAX_BACKOFF_S = 30.0

PARTITIONS_EVERY_S = 2.0
"""How often the subscriber judges the live processes' partitions; the first time one heartbeat period
(2 s) after it starts, so that processes started together have each written theirs."""


def unit_id_of(topic_pattern: str, topic: str) -> str | None:
    """The topic level that stands where the pattern has its `+` (the unit id), or None."""
    pattern, levels = topic_pattern.split("/"), topic.split("/")
    if len(pattern) != len(levels) or "+" not in pattern:
        return None
    for expected, level in zip(pattern, levels, strict=True):
        if expected not in ("+", level):
            return None
    return levels[pattern.index("+")] or None


def refusal_topic(topic_pattern: str, unit_id: str) -> str:
    """Where a refusal of `unit_id` is published: the configured topic with its `+` replaced by the
    unit id and its last level by `rejected` (`rejected` appended when that level is the `+` itself or
    already `rejected`, so a refusal never lands on the subscribed topic)."""
    levels = [unit_id if level == "+" else level for level in topic_pattern.split("/")]
    last = topic_pattern.split("/")[-1]
    if last in ("+", "rejected", "#"):
        return "/".join([*levels, "rejected"])
    return "/".join([*levels[:-1], "rejected"])


@dataclass(frozen=True)
class Subscription:
    """What one subscriber subscribes to and which of the units it takes."""

    topic: str
    client_id: str
    session_expiry_s: float = 604800
    partition: Partition = WHOLE
    share_group: str | None = None

    @property
    def topic_filter(self) -> str:
        """The filter subscribed to: the topic, or the `$share` group's."""
        return f"$share/{self.share_group}/{self.topic}" if self.share_group else self.topic

    def takes(self, unit_id: str) -> bool:
        """Whether this subscriber's partition holds the unit."""
        return self.partition.takes(unit_id)


class MqttIngest:
    """The subscriber: take, ingest, publish refusals, then acknowledge, batch after batch."""

    def __init__(self, container: Container, broker: Broker, subscription: Subscription) -> None:
        self._container = container
        # Pending activity and unknown units of its own: they are written in the transaction that notes
        # the messages taken, never by the periodic flush in between.
        self._ingest = container.ingest.apart()
        self._broker = broker
        self._subscription = subscription
        self.status = container.mqtt_status
        self.taken = 0
        """MQTT messages handled and acknowledged by this subscriber."""
        self.own = 0
        """Of those, the messages of this subscriber's partition of the units."""
        self.duplicates = 0
        """Messages sent again by the broker that had been taken already (acknowledged, not applied)."""
        self._warned = False
        self.partitions: Coverage | None = None
        """The last judgement of the live subscribers' partitions on this topic filter (None: not yet)."""
        self.status.topic_filter = subscription.topic_filter
        self.status.partition = str(subscription.partition)
        for problem in ("overlap", "incomplete"):
            PARTITIONS.labels(problem).set(0)  # shown from the start, not only once something is wrong

    async def run(self, stopping: asyncio.Event) -> None:
        """Stay subscribed until `stopping` is set, reconnecting with backoff after an outage."""
        self.status.configured = True
        watching = asyncio.create_task(self._watch_partitions(stopping))
        try:
            await self._subscribe(stopping)
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching

    async def _subscribe(self, stopping: asyncio.Event) -> None:
        subscription = self._subscription
        failures = 0
        while not stopping.is_set():
            connection = self._container.broker_connection(
                self._broker, subscription.client_id, subscription.session_expiry_s
            )
            try:
                async with connection:
                    await connection.subscribe(subscription.topic_filter)
                    self.status.up()
                    failures = 0
                    log.info(
                        "mqtt_subscribed",
                        host=self._broker.host,
                        topic=subscription.topic_filter,
                        session_resumed=connection.session.present,
                    )
                    self._warn_once(connection.session)
                    await self._consume(connection, stopping)
            except BrokerUnavailable as error:
                failures += 1
                self.status.down(str(error))
                delay = min(MAX_BACKOFF_S, 0.5 * 2**failures)
                log.warning("mqtt_unavailable", error=str(error), retry_in_s=delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), timeout=delay)
        self.status.down("stopped")
        log.info("mqtt_stopped", acknowledged=self.taken, duplicates=self.duplicates)

    async def _watch_partitions(self, stopping: asyncio.Event) -> None:
        """Judge this subscriber's partition with the other live processes' every PARTITIONS_EVERY_S."""
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=PARTITIONS_EVERY_S)
            if stopping.is_set():
                return
            try:
                others = await asyncio.to_thread(self._container.other_subscribers)
            except StorageOutage:
                continue  # the loops that write say so; the picture is judged again once it reads
            except Exception:  # a report that failed must never stop the subscriber it runs beside
                log.exception("mqtt_partitions_unjudged")
                continue
            if others is None:
                return
            self.judge_partitions(others)

    def judge_partitions(self, others: Sequence[Subscriber]) -> Coverage | None:
        """Judge this subscriber's partition with `others`; log a line when the picture changes.

        `$share` subscribers are not judged: the broker splits their messages among the group.
        """
        own = self._subscription
        if own.share_group:
            return None
        judged = coverage(
            [own.partition, *(s.partition for s in others if s.topic_filter == own.topic_filter)]
        )
        if self.partitions is not None and judged == self.partitions:
            return judged
        first, self.partitions = self.partitions is None, judged
        PARTITIONS.labels("overlap").set(1 if judged.overlaps else 0)
        PARTITIONS.labels("incomplete").set(1 if judged.incomplete else 0)
        live = [str(partition) for partition in judged.partitions]
        if judged.overlaps:
            log.warning(
                "mqtt_partitions_overlap",
                topic=own.topic_filter,
                partitions=live,
                overlapping=overlap_text(judged),
                detail="the messages of units in both are taken twice (docs/mqtt.md#several-processes)",
            )
        if judged.incomplete:
            log.warning(
                "mqtt_partitions_incomplete",
                topic=own.topic_filter,
                partitions=live,
                missing=gap_text(judged),
                detail="the messages of those units are taken by no process (docs/mqtt.md#several-processes)",
            )
        if judged.sound and (not first or len(live) > 1):
            log.info("mqtt_partitions_sound", topic=own.topic_filter, partitions=live)
        return judged

    def _warn_once(self, session: Session) -> None:
        """One line at start-up where the guarantee of docs/mqtt.md rests on what pairhub cannot see."""
        if self._warned:
            if not session.present and self._subscription.share_group is None:
                log.warning(
                    "mqtt_session_lost",
                    detail="the broker kept no session: messages published "
                    "while it was restarting without persistence are lost (docs/mqtt.md)",
                )
            return
        self._warned = True
        doubts = []
        if self._subscription.share_group:
            doubts.append("a $share subscription is kept across broker restarts only by some brokers")
        if not session.present:
            doubts.append(
                "the broker had no session for this client id (a first start, or a broker "
                "that does not persist sessions)"
            )
        if session.expiry_s is not None and session.expiry_s < self._subscription.session_expiry_s:
            doubts.append(f"the broker keeps the session only {session.expiry_s} s")
        if doubts:
            log.warning(
                "mqtt_guarantee_unverified",
                detail="; ".join(doubts) + ": no message is lost across broker restarts only with the "
                "broker configured as docs/mqtt.md says",
            )

    async def _consume(self, connection: BrokerConnection, stopping: asyncio.Event) -> None:
        stop = asyncio.ensure_future(stopping.wait())
        try:
            while not stopping.is_set():
                first = asyncio.ensure_future(connection.receive())
                done, _ = await asyncio.wait((first, stop), return_when=asyncio.FIRST_COMPLETED)
                if first not in done:
                    first.cancel()
                    with contextlib.suppress(asyncio.CancelledError, BrokerUnavailable):
                        await first
                    break
                batch = [first.result()]
                # Whatever else already arrived joins the same ingest request (one commit for all).
                while connection.waiting() and len(batch) < MAX_MESSAGES:
                    batch.append(await connection.receive())
                await self._handle(connection, batch)
            # Stopping: the acknowledgements sent must reach the broker before the connection closes.
            with contextlib.suppress(BrokerUnavailable):
                await connection.settle(self._subscription.topic_filter)
        finally:
            stop.cancel()

    async def _handle(self, connection: BrokerConnection, batch: Sequence[BrokerMessage]) -> None:
        topic = self._subscription.topic
        mine: list[tuple[str, bytes, bytes]] = []
        resent: set[bytes] = set()
        for message in batch:
            unit_id = unit_id_of(topic, message.topic) or message.topic
            if not self._subscription.takes(unit_id):
                continue  # another process's unit: that process takes it from its own subscription
            digest = digest_of(message.topic, message.payload)
            mine.append((unit_id, message.payload, digest))
            if message.dup:
                resent.add(digest)
        seen = await asyncio.to_thread(self._container.taken_messages.taken, resent) if resent else set()
        deliveries: list[Delivery] = []
        index = 0
        for unit_id, payload, digest in mine:
            if digest in seen:
                self.duplicates += 1
                MESSAGES.labels("duplicate").inc()
                continue
            delivery = parse_payload(unit_id, payload, index)
            index += max(1, len(delivery.messages) + len(delivery.rejections))
            deliveries.append(delivery)
        taken = [unit_message for delivery in deliveries for unit_message in delivery.messages]
        # Runs the use case in a thread; when it raises, nothing is acknowledged and the broker resends.
        result = await asyncio.to_thread(self._commit, taken, [d for _, _, d in mine if d not in seen])
        refused_later = {rejection.index: rejection for rejection in result.rejected}
        for delivery in deliveries:
            later = [refused_later[m.index] for m in delivery.messages if m.index in refused_later]
            MESSAGES.labels("accepted").inc(len(delivery.messages) - len(later))
            for refusal in delivery.rejections + later:
                MESSAGES.labels("rejected").inc()
                await self._publish_refusal(connection, delivery.unit_id, refusal)
        for message in batch:
            connection.acknowledge(message)
        self.taken += len(batch)
        self.own += len(mine)

    def _commit(self, taken: list[UnitMessage], digests: list[bytes]) -> IngestResult:
        """Apply the messages, then write their activity, their unknown units and their digests in one
        transaction, before any acknowledgement.

        A kill before that transaction commits leaves no digest: the broker sends the messages again and
        they are taken again, their auto-pairing outcomes (committed by `accept`) unchanged by a second
        application, their activity and unknown-unit counts written once. After it, they are recognized.
        """
        ingest = self._ingest
        try:
            result = ingest.accept(taken)
            ingest.commit_pending(lambda uow: self._container.taken_messages.note(uow, digests))
        except BaseException:
            ingest.forget_pending()  # nothing is acknowledged: the broker sends these messages again
            raise
        return result

    async def _publish_refusal(self, connection: BrokerConnection, unit_id: str, refusal: Rejection) -> None:
        body: dict[str, Any] = {"unitId": unit_id, "code": refusal.code, "detail": refusal.detail}
        log.info("mqtt_message_rejected", unit_id=unit_id, code=refusal.code)
        topic = refusal_topic(self._subscription.topic, unit_id)
        await connection.publish(topic, orjson.dumps(body))


async def subscriber_loop(container: Container, stopping: asyncio.Event, role: str = "serve") -> None:
    """The MQTT subscriber as a background loop of `serve` and `worker` (when PAIRHUB_MQTT_URL is set).

    The client id is stable for a host and role, so a restarted process resumes its session and gets
    back what it had not acknowledged (set PAIRHUB_MQTT_CLIENT_ID when several run on one host).
    """
    url = container.settings.mqtt_url
    if not url:
        return
    settings = container.settings
    subscription = Subscription(
        topic=settings.mqtt_topic,
        client_id=settings.mqtt_client_id or f"pairhub-{socket.gethostname()}-{role}",
        session_expiry_s=settings.mqtt_session_expiry,
        partition=Partition.parse(settings.mqtt_partition),
        share_group=settings.mqtt_share_group,
    )
    await MqttIngest(container, Broker.parse(url), subscription).run(stopping)
