"""The MQTT broker, as the subscriber of unit messages sees it: its address, and one connection at a time
that acknowledges a message only when told to (after what it caused is committed)."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Protocol
from urllib.parse import unquote, urlsplit


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
class Session:
    """What the broker said of the session on the last connection (its CONNACK)."""

    present: bool = False
    """The broker still had the session: its subscription and the messages kept for it."""
    expiry_s: int | None = None
    """The session expiry the broker granted, when it granted less than asked."""


@dataclass(frozen=True)
class BrokerMessage:
    """One message as taken: its topic and payload, whether the broker sends it again (DUP), and the
    packet id and QoS its acknowledgement names."""

    topic: str
    payload: bytes
    dup: bool
    mid: int
    qos: int


class BrokerUnavailable(Exception):
    """The broker cannot be reached, refused, or the connection to it was lost; the message says why."""


class BrokerConnection(Protocol):
    """One MQTT 5 connection resuming its session (never a clean start), acknowledging only when told to.

    Entered, it is connected and `session` says what the broker kept; every method raises
    BrokerUnavailable when the connection fails.
    """

    session: Session

    async def __aenter__(self) -> BrokerConnection:
        """Connect."""
        ...

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Disconnect."""
        ...

    async def subscribe(self, topic_filter: str) -> None:
        """Subscribe to `topic_filter` at QoS 1."""
        ...

    async def receive(self) -> BrokerMessage:
        """The next message, once it arrives."""
        ...

    def waiting(self) -> int:
        """How many messages have arrived and wait to be received."""
        ...

    def acknowledge(self, message: BrokerMessage) -> None:
        """Send the PUBACK of a message received."""
        ...

    async def publish(self, topic: str, payload: bytes) -> None:
        """Publish `payload` to `topic` at QoS 1."""
        ...

    async def settle(self, topic_filter: str) -> None:
        """Return once the broker has read every acknowledgement sent so far (before a disconnection)."""
        ...
