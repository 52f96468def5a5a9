"""The heartbeats of the delivering processes (`domain/heartbeats.py`) in the database, for every process."""

from __future__ import annotations

import orjson
from sqlalchemy import delete, insert, select, update

from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.tables import process_heartbeats
from pairhub.domain.heartbeats import Heartbeat


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
