"""Heartbeats of the delivering processes: written every few seconds, read by `/readyz` anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import delete, insert, select, update

from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.tables import process_heartbeats
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


def beat(database: Database, heartbeat: Heartbeat) -> None:
    """Write (or rewrite) a process's heartbeat."""
    values = {
        "role": heartbeat.role,
        "beat_at": heartbeat.beat_at,
        "state": orjson.dumps(heartbeat.state).decode(),
    }
    with database.write() as connection:
        changed = connection.execute(
            update(process_heartbeats).where(process_heartbeats.c.id == heartbeat.id).values(values)
        )
        if not changed.rowcount:
            connection.execute(insert(process_heartbeats).values(id=heartbeat.id, **values))


def forget(database: Database, process_id: str) -> None:
    """Delete a stopping process's heartbeat."""
    with database.write() as connection:
        connection.execute(delete(process_heartbeats).where(process_heartbeats.c.id == process_id))


def latest(database: Database) -> list[Heartbeat]:
    """Every heartbeat, newest first."""
    with database.read() as connection:
        rows = connection.execute(select(process_heartbeats).order_by(process_heartbeats.c.beat_at.desc()))
        return [Heartbeat(row.id, row.role, row.beat_at, orjson.loads(row.state)) for row in rows]
