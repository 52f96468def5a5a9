"""`pairhub simulate`: units publishing realistic traffic over MQTT (their VIN and a drifting position)."""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass

import aiomqtt
import orjson

from pairhub.adapters.mqtt.broker import Broker


@dataclass(frozen=True)
class Simulation:
    """How many units report, how fast in all, for how long, and on which topics."""

    units: int
    rate: float
    duration_s: float | None = None
    unit_prefix: str = "sim:"
    vin_prefix: str = "WDB96340"
    topic: str = "pairhub/units/{unit_id}/messages"

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


async def run(simulation: Simulation, broker: Broker) -> int:
    """Publish round after round (every unit once per round) at the rate asked; return messages sent."""
    if simulation.units < 1 or simulation.rate <= 0:
        raise ValueError("units and rate must be positive")
    sent = 0
    started = time.monotonic()
    this_task = asyncio.current_task()
    async with aiomqtt.Client(
        broker.host, broker.port, username=broker.username, password=broker.password
    ) as client:
        tick = 0
        while simulation.duration_s is None or time.monotonic() - started < simulation.duration_s:
            for number in range(1, simulation.units + 1):
                topic = simulation.topic.format(unit_id=simulation.unit_id(number))
                await client.publish(topic, simulation.message(number, tick), qos=1)
                if this_task is not None and this_task.cancelling():
                    # Python 3.11's asyncio.wait_for (inside publish) drops a cancellation that arrives
                    # with the broker's ack; the request is still counted, so stop as asked.
                    raise asyncio.CancelledError
                sent += 1
                # Keep to the rate: wait when ahead of schedule.
                ahead = sent / simulation.rate - (time.monotonic() - started)
                if ahead > 0:
                    await asyncio.sleep(ahead)
                if simulation.duration_s is not None and time.monotonic() - started >= simulation.duration_s:
                    break
            tick += 1
    return sent
