"""Unit messages over MQTT: a shared QoS 1 subscription feeding the ingest use case, acked after commit.

Every process (`serve`, `worker`) with `PAIRHUB_MQTT_URL` set joins the shared subscription
`$share/pairhub/<topic>`, so the broker splits the traffic between them. A message is acknowledged only
once the ingest request that carried it has committed its outcome; a process that dies before that
leaves the message unacknowledged in its persistent session, and the broker sends it again. Messages
are taken in arrival order and acknowledged in that order (as MQTT requires), so one unit's messages
are applied in the order they were published. Refused messages are counted and published with their
reason to `pairhub/units/<unitId>/rejected`; nothing is dropped silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiomqtt
import orjson
import structlog
from prometheus_client import Counter

from pairhub.adapters.mqtt.broker import (
    Broker,
    BrokerStatus,
    acknowledge,
    forget_disconnection,
    subscriber_client,
)
from pairhub.bootstrap import Container
from pairhub.entrypoints.api.routers.unit_messages import parse_message
from pairhub.services.ingest import MAX_MESSAGES, Rejection, UnitMessage

log = structlog.get_logger("pairhub.mqtt")

MESSAGES = Counter("pairhub_mqtt_messages_total", "Unit messages taken over MQTT, by outcome.", ["outcome"])

SHARE_GROUP = "pairhub"
REJECTED_TOPIC = "pairhub/units/{unit_id}/rejected"
MAX_BACKOFF_S = 30.0


@dataclass(frozen=True)
class Delivery:
    """The unit messages of one MQTT message, or why the payload was refused as a whole."""

    unit_id: str
    messages: list[UnitMessage] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


def unit_id_of(topic_pattern: str, topic: str) -> str | None:
    """The topic level that stands where the pattern has its `+` (the unit id), or None."""
    pattern, levels = topic_pattern.split("/"), topic.split("/")
    if len(pattern) != len(levels) or "+" not in pattern:
        return None
    for expected, level in zip(pattern, levels, strict=True):
        if expected not in ("+", level):
            return None
    return levels[pattern.index("+")] or None


def parse_payload(unit_id: str, payload: bytes, first_index: int) -> Delivery:
    """One MQTT payload: a unit message (the HTTP API's object, `unitId` optional) or an array of them.

    Indexes continue from `first_index`, so several payloads can share one ingest request.
    """
    try:
        document = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return Delivery(
            unit_id, rejections=[Rejection(first_index, "malformed_json", "The payload is not JSON.")]
        )
    items = document if isinstance(document, list) else [document]
    if len(items) > MAX_MESSAGES:
        detail = f"At most {MAX_MESSAGES} messages per payload."
        return Delivery(unit_id, rejections=[Rejection(first_index, "too_many_messages", detail)])
    delivery = Delivery(unit_id)
    for offset, item in enumerate(items):
        index = first_index + offset
        if isinstance(item, dict):
            named = item.setdefault("unitId", unit_id)
            if named != unit_id:
                detail = f"The payload names unit {named!r} but was published on the topic of {unit_id!r}."
                delivery.rejections.append(Rejection(index, "unit_id_mismatch", detail))
                continue
        parsed = parse_message(index, item)
        if isinstance(parsed, Rejection):
            delivery.rejections.append(parsed)
        else:
            delivery.messages.append(parsed)
    return delivery


class MqttIngest:
    """The subscriber: take, ingest, publish refusals, then acknowledge, batch after batch."""

    def __init__(self, container: Container, broker: Broker, topic: str, client_id: str) -> None:
        self._container = container
        self._broker = broker
        self._topic = topic
        self._client_id = client_id
        self.status: BrokerStatus = container.mqtt_status
        self.taken = 0
        """MQTT messages handled and acknowledged by this subscriber."""

    async def run(self, stopping: asyncio.Event) -> None:
        """Stay subscribed until `stopping` is set, reconnecting with backoff after an outage."""
        self.status.configured = True
        failures = 0
        while not stopping.is_set():
            client = subscriber_client(self._broker, self._client_id)
            try:
                async with client:
                    await client.subscribe(f"$share/{SHARE_GROUP}/{self._topic}", qos=1)
                    self.status.up()
                    failures = 0
                    log.info("mqtt_subscribed", host=self._broker.host, topic=self._topic)
                    await self._consume(client, stopping)
            except aiomqtt.MqttError as error:
                failures += 1
                self.status.down(str(error) or type(error).__name__)
                delay = min(MAX_BACKOFF_S, 0.5 * 2**failures)
                log.warning("mqtt_unavailable", error=str(error), retry_in_s=delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), timeout=delay)
            finally:
                forget_disconnection(client)
        self.status.down("stopped")

    async def _consume(self, client: aiomqtt.Client, stopping: asyncio.Event) -> None:
        messages = client.messages
        stop = asyncio.ensure_future(stopping.wait())
        try:
            while not stopping.is_set():
                first = asyncio.ensure_future(anext(messages))
                done, _ = await asyncio.wait((first, stop), return_when=asyncio.FIRST_COMPLETED)
                if first not in done:
                    first.cancel()
                    with contextlib.suppress(asyncio.CancelledError, aiomqtt.MqttError):
                        await first
                    return
                batch = [first.result()]
                # Whatever else already arrived joins the same ingest request (one commit for all).
                while len(messages) and len(batch) < MAX_MESSAGES:
                    batch.append(await anext(messages))
                await self._handle(client, batch)
        finally:
            stop.cancel()

    async def _handle(self, client: aiomqtt.Client, batch: Sequence[aiomqtt.Message]) -> None:
        deliveries: list[Delivery] = []
        index = 0
        for message in batch:
            unit_id = unit_id_of(self._topic, message.topic.value) or message.topic.value
            payload = message.payload if isinstance(message.payload, bytes) else str(message.payload).encode()
            delivery = parse_payload(unit_id, payload, index)
            index += max(1, len(delivery.messages) + len(delivery.rejections))
            deliveries.append(delivery)
        taken = [unit_message for delivery in deliveries for unit_message in delivery.messages]
        # Runs the use case in a thread; when it raises, nothing is acknowledged and the broker resends.
        result = await asyncio.to_thread(self._container.ingest.accept, taken)
        refused_later = {rejection.index: rejection for rejection in result.rejected}
        for delivery in deliveries:
            later = [refused_later[m.index] for m in delivery.messages if m.index in refused_later]
            MESSAGES.labels("accepted").inc(len(delivery.messages) - len(later))
            for refusal in delivery.rejections + later:
                MESSAGES.labels("rejected").inc()
                await self._publish_refusal(client, delivery.unit_id, refusal)
        for message in batch:
            acknowledge(client, message)
        self.taken += len(batch)

    async def _publish_refusal(self, client: aiomqtt.Client, unit_id: str, refusal: Rejection) -> None:
        body: dict[str, Any] = {"unitId": unit_id, "code": refusal.code, "detail": refusal.detail}
        log.info("mqtt_message_rejected", unit_id=unit_id, code=refusal.code)
        await client.publish(REJECTED_TOPIC.format(unit_id=unit_id), orjson.dumps(body), qos=1)


async def subscriber_loop(container: Container, stopping: asyncio.Event, role: str = "serve") -> None:
    """The MQTT subscriber as a background loop of `serve` and `worker` (when PAIRHUB_MQTT_URL is set).

    The client id is stable for a host and role, so a restarted process resumes its session and gets
    back what it had not acknowledged (set PAIRHUB_MQTT_CLIENT_ID when several run on one host).
    """
    url = container.settings.mqtt_url
    if not url:
        return
    settings = container.settings
    client_id = settings.mqtt_client_id or f"pairhub-{socket.gethostname()}-{role}"
    await MqttIngest(container, Broker.parse(url), settings.mqtt_topic, client_id).run(stopping)
