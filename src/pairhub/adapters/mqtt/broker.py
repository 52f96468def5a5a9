"""The MQTT broker connection (`ports/broker.py`) on aiomqtt, with manual acknowledgement, and its status
for `/readyz`."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiomqtt
import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions
from prometheus_client import Gauge

from pairhub.ports.broker import Broker, BrokerMessage, BrokerUnavailable, Session

CONNECTED = Gauge(
    "pairhub_mqtt_connected",
    "1 while the MQTT subscriber is connected to the broker.",
    multiprocess_mode="livemax",  # across processes: 1 when any subscriber is connected
)


@dataclass
class BrokerStatus:
    """What `/readyz` says about the broker: connected, or why not."""

    configured: bool = False
    connected: bool = False
    last_error: str | None = "not connected yet"
    topic_filter: str | None = None
    """What the subscriber subscribes to, and its partition (`k/n`): written with the heartbeat, so
    that the live processes' partitions can be judged together (domain/partitions.py)."""
    partition: str | None = None

    def up(self) -> None:
        """The subscription is in place."""
        self.connected, self.last_error = True, None
        CONNECTED.set(1)

    def down(self, reason: str) -> None:
        """The connection is gone (or never came)."""
        self.connected, self.last_error = False, reason
        CONNECTED.set(0)


RECEIVE_MAXIMUM = 1000
"""QoS 1 messages the broker may have in flight to the subscriber at once (MQTT 5 receive maximum)."""

SETTLE_TIMEOUT_S = 5.0


class Received(aiomqtt.Message):
    """A message as taken, with the DUP flag the broker set when it sends the message again."""

    dup: bool = False


@contextmanager
def _unavailable() -> Iterator[None]:
    """aiomqtt's errors as the port's BrokerUnavailable, with the same words."""
    try:
        yield
    except aiomqtt.MqttError as error:
        raise BrokerUnavailable(str(error) or type(error).__name__) from error


class SubscriberConnection:
    """An MQTT 5 client resuming its session that acknowledges QoS 1 messages only when told to."""

    def __init__(self, broker: Broker, client_id: str, session_expiry_s: float) -> None:
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = int(session_expiry_s)
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        self.client = aiomqtt.Client(
            broker.host,
            broker.port,
            username=broker.username,
            password=broker.password,
            identifier=client_id,
            protocol=aiomqtt.ProtocolVersion.V5,
            # Never a clean start: what was not acknowledged before a crash or a broker restart is sent again.
            clean_start=False,
            properties=properties,
            tls_context=ssl.create_default_context() if broker.tls else None,
            keepalive=30,
        )
        self.session = Session()
        client, session = self.client, self.session
        paho = client._client
        # aiomqtt acknowledges on receipt; pairhub acknowledges after the commit instead.
        paho.manual_ack_set(True)

        def on_connect(
            inner: mqtt.Client, userdata: Any, flags: Any, reason: Any, connack: Properties | None = None
        ) -> None:
            session.present = bool(getattr(flags, "session_present", False))
            session.expiry_s = getattr(connack, "SessionExpiryInterval", None)
            client._on_connect(inner, userdata, flags, reason, connack)

        def on_message(inner: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
            received = Received._from_paho_message(message)
            received.dup = bool(message.dup)
            client._queue.put_nowait(received)

        paho.on_connect = on_connect
        paho.on_message = on_message

    async def __aenter__(self) -> SubscriberConnection:
        """Connect."""
        try:
            with _unavailable():
                await self.client.__aenter__()
        except BrokerUnavailable:
            self._forget_disconnection()
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Disconnect."""
        try:
            with _unavailable():
                await self.client.__aexit__(kind, error, trace)
        finally:
            self._forget_disconnection()

    async def subscribe(self, topic_filter: str) -> None:
        """Subscribe to `topic_filter` at QoS 1."""
        with _unavailable():
            await self.client.subscribe(topic_filter, qos=1)

    async def receive(self) -> BrokerMessage:
        """The next message, once it arrives."""
        with _unavailable():
            message = await anext(self.client.messages)
        payload = message.payload if isinstance(message.payload, bytes) else str(message.payload).encode()
        dup = isinstance(message, Received) and message.dup
        return BrokerMessage(message.topic.value, payload, dup, message.mid, message.qos)

    def waiting(self) -> int:
        """How many messages have arrived and wait to be received."""
        return len(self.client.messages)

    def acknowledge(self, message: BrokerMessage) -> None:
        """Send the PUBACK of a message taken with manual acknowledgement."""
        self.client._client.ack(message.mid, message.qos)

    async def publish(self, topic: str, payload: bytes) -> None:
        """Publish `payload` to `topic` at QoS 1."""
        with _unavailable():
            await self.client.publish(topic, payload, qos=1)

    async def settle(self, topic_filter: str) -> None:
        """Return once the broker has read every acknowledgement sent so far, before a disconnection.

        The broker reads one connection in order and answers a SUBSCRIBE only after the packets before it:
        subscribing again to the same filter (same QoS, no retained messages sent again) is that barrier.
        Without it, the socket closed right after DISCONNECT while messages still arrive is reset by the
        kernel, and acknowledgements not yet read by the broker are lost: it sends those messages again.
        """
        options = SubscribeOptions(qos=1, retainHandling=SubscribeOptions.RETAIN_DO_NOT_SEND)
        with _unavailable():
            await self.client.subscribe(topic_filter, options=options, timeout=SETTLE_TIMEOUT_S)

    def _forget_disconnection(self) -> None:
        """Mark a lost connection's error as seen (it was handled), so asyncio does not log it as
        unretrieved."""
        disconnected = self.client._disconnected
        if disconnected.done() and not disconnected.cancelled():
            disconnected.exception()
