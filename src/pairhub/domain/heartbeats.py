"""Heartbeats: what each delivering process says about itself, read by `/readyz` in any process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pairhub.domain.partitions import Partition, Subscriber

STALE_AFTER_MS = 10_000
"""A heartbeat older than this (five missed beats) is a process that stopped answering."""


@dataclass(frozen=True)
class Heartbeat:
    """What a process said about itself, and when (epoch ms)."""

    id: str
    role: str
    beat_at: int
    state: dict[str, Any]

    def fresh(self, now_ms: int) -> bool:
        """Whether the process is still answering."""
        return now_ms - self.beat_at <= STALE_AFTER_MS

    @property
    def subscriber(self) -> Subscriber | None:
        """The process's MQTT subscription as far as partitions go (None: not a subscriber, or a version
        that did not say)."""
        mqtt = self.state.get("mqtt") or {}
        if not mqtt.get("configured") or not mqtt.get("topicFilter") or not mqtt.get("partition"):
            return None
        try:
            return Subscriber(mqtt["topicFilter"], Partition.parse(mqtt["partition"]))
        except ValueError:
            return None
