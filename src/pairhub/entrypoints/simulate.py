"""`pairhub simulate`: units publishing realistic traffic over MQTT (their VIN and a drifting position)."""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiomqtt
import orjson

from pairhub.config import Settings
from pairhub.entrypoints.mqtt import refusal_topic, unit_id_of
from pairhub.ports.broker import Broker

DEFAULT_TOPIC = Settings.model_fields["mqtt_topic"].default


def topic_refusal(topic: str) -> str | None:
    """Why `topic` cannot be a unit topic pattern (one `+` level, no `#`), or None."""
    levels = topic.split("/")
    if levels.count("+") != 1 or "#" in topic or any("+" in level and level != "+" for level in levels):
        return f"The topic {topic!r} must have exactly one `+` level (the unit id) and no `#`."
    return None


@dataclass(frozen=True)
class Simulation:
    """How many units report, how fast in all, for how long, and on which topics."""

    units: int
    rate: float
    duration_s: float | None = None
    unit_prefix: str = "sim:"
    vin_prefix: str = "WDB96340"
    topic: str = DEFAULT_TOPIC
    """The topic pattern pairhub subscribes to (`PAIRHUB_MQTT_TOPIC`): its one `+` is the unit id."""

    def topic_of(self, unit_id: str) -> str:
        """The topic unit `unit_id` publishes on."""
        return "/".join(unit_id if level == "+" else level for level in self.topic.split("/"))

    def unit_id(self, number: int) -> str:
        """The id of simulated unit `number`."""
        return f"{self.unit_prefix}{number:06d}"

    def vin(self, number: int) -> str:
        """The VIN unit `number` reports: the VIN prefix padded with the number to 17 characters."""
        return f"{self.vin_prefix}{number:0{17 - len(self.vin_prefix)}d}"[:17]

    def message(self, number: int, tick: int) -> bytes:
        """One report: the unit's VIN and a position that moves a little every tick."""
        angle = (number * 37 + tick) / 50
        location = {
            "latitude": round(50.0 + 2 * math.sin(number) + 0.001 * tick * math.cos(angle), 6),
            "longitude": round(5.0 + 3 * math.cos(number) + 0.001 * tick * math.sin(angle), 6),
        }
        return orjson.dumps({"vin": self.vin(number), "location": location})


NO_MATCHING_SUBSCRIBERS = 16
"""The MQTT 5 PUBACK reason code of a message the broker took but had no subscriber for."""


@dataclass
class Outcome:
    """What a simulation published and what became of it."""

    sent: int = 0
    unmatched: int = 0
    """Messages the broker acknowledged with "no matching subscribers": nothing took them."""
    refused: Counter[str] = field(default_factory=Counter)
    """Refusals pairhub published for the simulated units, by code."""


async def run(simulation: Simulation, broker: Broker, outcome: Outcome | None = None) -> Outcome:
    """Publish round after round (every unit once per round) at the rate asked, watching the refusal
    topic and the broker's answers; the outcome so far is in `outcome` even when cancelled."""
    if simulation.units < 1 or simulation.rate <= 0:
        raise ValueError("units and rate must be positive")
    outcome = Outcome() if outcome is None else outcome
    started = time.monotonic()
    this_task = asyncio.current_task()
    watching = asyncio.Event()
    watcher = asyncio.create_task(_watch_refusals(simulation, broker, outcome, watching))
    await asyncio.wait((watcher, asyncio.create_task(watching.wait())), return_when=asyncio.FIRST_COMPLETED)
    try:
        client = aiomqtt.Client(
            broker.host,
            broker.port,
            username=broker.username,
            password=broker.password,
            protocol=aiomqtt.ProtocolVersion.V5,
        )
        _count_unmatched(client, outcome)
        async with client:
            tick = 0
            while simulation.duration_s is None or time.monotonic() - started < simulation.duration_s:
                for number in range(1, simulation.units + 1):
                    topic = simulation.topic_of(simulation.unit_id(number))
                    await client.publish(topic, simulation.message(number, tick), qos=1)
                    if this_task is not None and this_task.cancelling():
                        # Python 3.11's asyncio.wait_for (inside publish) drops a cancellation that
                        # arrives with the broker's ack; the request is still counted, so stop as asked.
                        raise asyncio.CancelledError
                    outcome.sent += 1
                    # Keep to the rate: wait when ahead of schedule.
                    ahead = outcome.sent / simulation.rate - (time.monotonic() - started)
                    if ahead > 0:
                        await asyncio.sleep(ahead)
                    if (
                        simulation.duration_s is not None
                        and time.monotonic() - started >= simulation.duration_s
                    ):
                        break
                tick += 1
        # Refusals follow their messages within moments; wait a little for the last ones.
        await asyncio.sleep(REFUSAL_GRACE_S)
    finally:
        watcher.cancel()
    return outcome


REFUSAL_GRACE_S = 1.0


def _count_unmatched(client: aiomqtt.Client, outcome: Outcome) -> None:
    """Count the acknowledgements that say no subscriber matched (aiomqtt does not pass them on)."""
    published = client._on_publish

    def on_publish(paho: Any, userdata: Any, mid: int, reason: Any, properties: Any) -> None:
        if getattr(reason, "value", 0) == NO_MATCHING_SUBSCRIBERS:
            outcome.unmatched += 1
        published(paho, userdata, mid, reason, properties)

    client._client.on_publish = on_publish


async def _watch_refusals(
    simulation: Simulation, broker: Broker, outcome: Outcome, ready: asyncio.Event
) -> None:
    async with aiomqtt.Client(
        broker.host, broker.port, username=broker.username, password=broker.password
    ) as client:
        await client.subscribe(refusal_topic(simulation.topic, "+"), qos=1)
        ready.set()
        async for message in client.messages:
            unit_id = unit_id_of(refusal_topic(simulation.topic, "+"), message.topic.value) or ""
            if unit_id.startswith(simulation.unit_prefix) and isinstance(message.payload, bytes):
                try:
                    code = str(orjson.loads(message.payload).get("code", "refused"))
                except (orjson.JSONDecodeError, AttributeError):
                    code = "refused"
                outcome.refused[code] += 1


def say(simulation: Simulation, outcome: Outcome) -> list[str]:
    """What a finished simulation tells its user: what was published, and what became of it."""
    lines = [f"{outcome.sent} messages published on {simulation.topic}."]
    if outcome.sent and outcome.unmatched == outcome.sent:
        lines.append(
            f"Nothing subscribes to {simulation.topic}: the broker had no subscriber for any message. "
            "Is pairhub running with PAIRHUB_MQTT_URL set to this broker, and PAIRHUB_MQTT_TOPIC the same?"
        )
    elif outcome.unmatched:
        lines.append(f"{outcome.unmatched} of them had no subscriber at the broker.")
    elif outcome.sent:
        lines.append("Every message had a subscriber at the broker.")
    if outcome.refused:
        codes = ", ".join(f"{code} ({count})" for code, count in outcome.refused.most_common())
        watched = refusal_topic(simulation.topic, "+")
        lines.append(f"pairhub refused {sum(outcome.refused.values())} of them on {watched}: {codes}.")
    return lines
