"""The MQTT broker connection: its URL, its status for `/readyz`, and clients with manual acknowledgement."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import aiomqtt
import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions
from prometheus_client import Gauge

CONNECTED = Gauge(
    "pairhub_mqtt_connected",
    "1 while the MQTT subscriber is connected to the broker.",
    multiprocess_mode="livemax",  # across processes: 1 when any subscriber is connected
)


@dataclass(frozen=True)
class Broker:
    """Where the broker is, from `PAIRHUB_MQTT_URL` (`mqtt://user:pass@host:1883`, `mqtts://` for TLS)."""

    host: str
    port: int
    tls: bool
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> Broker:
        """The broker of a URL; ValueError with the reason when it is not one."""
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts"):
            raise ValueError("PAIRHUB_MQTT_URL must start with mqtt:// or mqtts://")
        if not parts.hostname:
            raise ValueError("PAIRHUB_MQTT_URL has no host")
        tls = parts.scheme == "mqtts"
        return cls(
            host=parts.hostname,
            port=parts.port or (8883 if tls else 1883),
            tls=tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
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


class Received(aiomqtt.Message):
    """A message as taken, with the DUP flag the broker set when it sends the message again."""

    dup: bool = False


@dataclass
class Session:
    """What the broker said of the session on the last connection (its CONNACK)."""

    present: bool = False
    """The broker still had the session: its subscription and the messages kept for it."""
    expiry_s: int | None = None
    """The session expiry the broker granted, when it granted less than asked."""


def subscriber_client(
    broker: Broker, client_id: str, session_expiry_s: float
) -> tuple[aiomqtt.Client, Session]:
    """An MQTT 5 client resuming its session that acknowledges QoS 1 messages only when told to."""
    properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    properties.SessionExpiryInterval = int(session_expiry_s)
    properties.ReceiveMaximum = RECEIVE_MAXIMUM
    client = aiomqtt.Client(
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
    session = Session()
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
    return client, session


def acknowledge(client: aiomqtt.Client, message: aiomqtt.Message) -> None:
    """Send the PUBACK of a message taken with manual acknowledgement."""
    client._client.ack(message.mid, message.qos)


SETTLE_TIMEOUT_S = 5.0


async def settle(client: aiomqtt.Client, topic_filter: str) -> None:
    """Return once the broker has read every acknowledgement sent so far, before a disconnection.

    The broker reads one connection in order and answers a SUBSCRIBE only after the packets before it:
    subscribing again to the same filter (same QoS, no retained messages sent again) is that barrier.
    Without it, the socket closed right after DISCONNECT while messages still arrive is reset by the
    kernel, and acknowledgements not yet read by the broker are lost: it sends those messages again.
    """
    options = SubscribeOptions(qos=1, retainHandling=SubscribeOptions.RETAIN_DO_NOT_SEND)
    await client.subscribe(topic_filter, options=options, timeout=SETTLE_TIMEOUT_S)


def forget_disconnection(client: aiomqtt.Client) -> None:
    """Mark a lost connection's error as seen (it was handled), so asyncio does not log it as unretrieved."""
    disconnected = client._disconnected
    if disconnected.done() and not disconnected.cancelled():
        disconnected.exception()
