"""A long past in the database, made fast with bulk SQL: delivered events, their batches and attempts.

The history belongs to an organization of its own whose subscription has passed all of it, as after
years of operation: the rows are there (tables, indexes, statistics) but nothing is owed.
"""

from __future__ import annotations

import time
import uuid

from sqlalchemy import Engine, text

from bench import setup

CHUNK = 500_000
"""Rows per INSERT … SELECT: each its own transaction, so SQLite's WAL stays small."""
EVENTS_PER_BATCH = 10


def _numbers(engine: Engine) -> str:
    """A table expression of 1 … :n (a recursive CTE on SQLite, generate_series on PostgreSQL)."""
    if engine.dialect.name == "sqlite":
        return (
            "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) SELECT x FROM c)"
        )
    return "(SELECT generate_series(1, :n) AS x)"


def _padded_id(engine: Engine, expression: str) -> str:
    """A 36-character id made of a number (batch ids are strings)."""
    if engine.dialect.name == "sqlite":
        return f"printf('h%035d', {expression})"
    return f"'h' || lpad(({expression})::text, 35, '0')"


def used_bytes(engine: Engine) -> int:
    """Bytes the database uses: pages in use (SQLite, after a WAL checkpoint) or its size (PostgreSQL)."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            pages = int(connection.execute(text("PRAGMA page_count")).scalar_one())
            free = int(connection.execute(text("PRAGMA freelist_count")).scalar_one())
            return (pages - free) * int(connection.execute(text("PRAGMA page_size")).scalar_one())
        return int(connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def insert_history_events(engine: Engine, organization_id: str, count: int) -> tuple[int, int]:
    """`count` delivered `unit.paired` events of the organization, copied from one rendered event.

    Returns the first and last seq inserted.
    """
    setup.insert_events(engine, [organization_id], 1)
    with engine.begin() as connection:
        template = int(
            connection.execute(
                text("SELECT max(seq) FROM events WHERE organization_id = :org"), {"org": organization_id}
            ).scalar_one()
        )
    copy = (
        "INSERT INTO events (organization_id, event_type, reason, unit_id, asset_id, asset_vin, sensor_vin,"
        " candidate_asset_ids, latitude, longitude, registered_at, rendered_v1, rendered_v2)"
        " SELECT e.organization_id, e.event_type, e.reason, 'hist:' || (n.x + :offset), e.asset_id,"
        " e.asset_vin, e.sensor_vin, e.candidate_asset_ids, e.latitude, e.longitude,"
        " e.registered_at - :count + n.x + :offset, e.rendered_v1, e.rendered_v2"
        f" FROM events e, {_numbers(engine)} n WHERE e.seq = :template"
    )
    done = 1
    while done < count:
        step = min(CHUNK, count - done)
        with engine.begin() as connection:
            connection.execute(text(copy), {"n": step, "offset": done, "count": count, "template": template})
        done += step
    with engine.begin() as connection:
        last = int(
            connection.execute(
                text("SELECT max(seq) FROM events WHERE organization_id = :org"), {"org": organization_id}
            ).scalar_one()
        )
    return template, last


def insert_history_attempts(engine: Engine, subscription_id: str, first_seq: int, count: int) -> None:
    """`count` delivered batches of EVENTS_PER_BATCH events from `first_seq` on, one attempt each."""
    now = int(time.time() * 1000)
    batch_id = _padded_id(engine, "n.x + :offset")
    batches = (
        "INSERT INTO batches (id, subscription_id, first_seq, last_seq, event_count, oldest_event_at, body,"
        " event_version, event_names, created_at, status, attempts, earlier_attempts, last_attempt_at,"
        " last_status, completed_at, recovery)"
        f" SELECT {batch_id}, :sub, :first + (n.x + :offset - 1) * :per,"
        " :first + (n.x + :offset) * :per - 1, :per, :now, '', 2, '[\"unit.paired\"]', :now, 'delivered', 1,"
        f" 0, :now, 200, :now, 0 FROM {_numbers(engine)} n"
    )
    attempts = (
        "INSERT INTO attempts (batch_id, subscription_id, attempted_at, duration_ms, status_code,"
        " response_excerpt, error, outcome, worker)"
        f" SELECT {batch_id}, :sub, :now - :count + n.x + :offset, 20, 200, '', NULL, 'delivered',"
        f" 'history' FROM {_numbers(engine)} n"
    )
    done = 0
    while done < count:
        step = min(CHUNK, count - done)
        values = {
            "n": step,
            "offset": done,
            "sub": subscription_id,
            "first": first_seq,
            "per": EVENTS_PER_BATCH,
            "now": now,
            "count": count,
        }
        with engine.begin() as connection:
            connection.execute(text(batches), values)
            connection.execute(text(attempts), values)
        done += step


def pass_history(engine: Engine, subscription_id: str, last_seq: int) -> None:
    """The history's subscription has delivered all of it (nothing is owed; the worker leaves it be)."""
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE subscriptions SET cursor_seq = :seq, events_delivered = :seq WHERE id = :sub"),
            {"seq": last_seq, "sub": subscription_id},
        )


def history_name() -> str:
    """A name for the history's organization that no other run uses."""
    return f"History {uuid.uuid4().hex[:6]}"
