"""The lines pairhub logs where the MQTT guarantee of docs/mqtt.md rests on what it cannot see: once at
start-up (`mqtt_guarantee_unverified`), and on a reconnection that found no session (`mqtt_session_lost`)."""

from __future__ import annotations

import signal
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import pytest
import structlog

from pairhub.adapters.mqtt.broker import SubscriberConnection
from pairhub.bootstrap import Container
from pairhub.ports.broker import Broker as BrokerAddress
from tests.mqtt_support import Mosquitto, Subscriber, until

Logs = list[MutableMapping[str, Any]]


def _named(logs: Logs, event: str) -> list[str]:
    return [str(entry["detail"]) for entry in logs if entry["event"] == event]


async def test_a_first_start_says_the_broker_had_no_session_and_a_resumed_one_says_nothing(
    container: Container, tmp_path: Path
) -> None:
    mosquitto = Mosquitto(tmp_path)
    mosquitto.start()
    try:
        with structlog.testing.capture_logs() as first:
            async with Subscriber(container, mosquitto.broker, "pairhub-warn-first"):
                pass
        with structlog.testing.capture_logs() as resumed:
            async with Subscriber(container, mosquitto.broker, "pairhub-warn-first"):
                pass
    finally:
        mosquitto.stop()
    [warning] = _named(first, "mqtt_guarantee_unverified")
    assert "no session for this client id" in warning
    assert "$share" not in warning and "keeps the session only" not in warning
    assert _named(resumed, "mqtt_guarantee_unverified") == []
    assert [entry["session_resumed"] for entry in resumed if entry["event"] == "mqtt_subscribed"] == [True]


async def test_a_share_group_is_named_at_start_up_even_with_the_session_kept(
    container: Container, tmp_path: Path
) -> None:
    mosquitto = Mosquitto(tmp_path)
    mosquitto.start()
    try:
        async with Subscriber(container, mosquitto.broker, "pairhub-warn-share", share_group="pairhub"):
            pass
        with structlog.testing.capture_logs() as logs:
            async with Subscriber(container, mosquitto.broker, "pairhub-warn-share", share_group="pairhub"):
                pass
    finally:
        mosquitto.stop()
    [warning] = _named(logs, "mqtt_guarantee_unverified")
    assert "a $share subscription is kept across broker restarts only by some brokers" in warning
    assert "no session" not in warning


async def test_a_shorter_session_expiry_granted_is_named_at_start_up(
    container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Mosquitto 2.0 grants whatever expiry a client asks; a broker capping it (EMQX, HiveMQ) says so in
    # its CONNACK. That one property is set here on the real CONNACK of the test's Mosquitto.
    def capped(broker: BrokerAddress, client_id: str, session_expiry_s: float) -> SubscriberConnection:
        connection = SubscriberConnection(broker, client_id, session_expiry_s)
        paho = connection.client._client
        on_connect = paho.on_connect

        def granting_an_hour(*callback: Any) -> None:
            on_connect(*callback)
            connection.session.expiry_s = 3600

        paho.on_connect = granting_an_hour
        return connection

    monkeypatch.setattr(container, "broker_connection", capped)
    mosquitto = Mosquitto(tmp_path)
    mosquitto.start()
    try:
        async with Subscriber(container, mosquitto.broker, "pairhub-warn-expiry"):
            pass
        with structlog.testing.capture_logs() as logs:
            async with Subscriber(container, mosquitto.broker, "pairhub-warn-expiry"):
                pass
    finally:
        mosquitto.stop()
    [warning] = _named(logs, "mqtt_guarantee_unverified")
    assert "the broker keeps the session only 3600 s" in warning
    assert "no session" not in warning


@pytest.mark.parametrize("persistence", [False, True], ids=["without-persistence", "with-persistence"])
async def test_a_reconnection_that_finds_no_session_says_so(
    container: Container, tmp_path: Path, persistence: bool
) -> None:
    mosquitto = Mosquitto(tmp_path, persistence=persistence)
    mosquitto.start()
    try:
        async with Subscriber(container, mosquitto.broker, "pairhub-warn-lost"):
            pass  # the session exists from here on, and the broker saves it if it persists
        with structlog.testing.capture_logs() as logs:
            async with Subscriber(container, mosquitto.broker, "pairhub-warn-lost") as ingest:
                mosquitto.stop(signal.SIGTERM)
                await until(lambda: not ingest.status.connected)
                mosquitto.start()
                await until(lambda: len([e for e in logs if e["event"] == "mqtt_subscribed"]) == 2)
    finally:
        mosquitto.stop()
    assert [entry["session_resumed"] for entry in logs if entry["event"] == "mqtt_subscribed"] == [
        True,
        persistence,
    ]
    assert _named(logs, "mqtt_guarantee_unverified") == []
    lost = _named(logs, "mqtt_session_lost")
    if persistence:
        assert lost == []
    else:
        assert len(lost) == 1
        assert "the broker kept no session" in lost[0]
