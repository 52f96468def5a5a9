"""The MQTT broker connection: its URL, its status for `/readyz`, and clients with manual acknowledgement."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import aiomqtt
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

    def up(self) -> None:
        """The subscription is in place."""
        self.connected, self.last_error = True, None
        CONNECTED.set(1)

    def down(self, reason: str) -> None:
        """The connection is gone (or never came)."""
        self.connected, self.last_error = False, reason
        CONNECTED.set(0)


def subscriber_client(broker: Broker, client_id: str) -> aiomqtt.Client:
    """A client with a persistent session that acknowledges QoS 1 messages only when told to."""
    client = aiomqtt.Client(
        broker.host,
        broker.port,
        username=broker.username,
        password=broker.password,
        identifier=client_id,
        # A persistent session: what was not acknowledged before a crash is sent again on reconnect.
        clean_session=False,
        tls_context=ssl.create_default_context() if broker.tls else None,
        keepalive=30,
    )
    # aiomqtt acknowledges on receipt; pairhub acknowledges after the commit instead.
    client._client.manual_ack_set(True)
    return client


def acknowledge(client: aiomqtt.Client, message: aiomqtt.Message) -> None:
    """Send the PUBACK of a message taken with manual acknowledgement."""
    client._client.ack(message.mid, message.qos)


def forget_disconnection(client: aiomqtt.Client) -> None:
    """Mark a lost connection's error as seen (it was handled), so asyncio does not log it as unretrieved."""
    disconnected = client._disconnected
    if disconnected.done() and not disconnected.cancelled():
        disconnected.exception()
