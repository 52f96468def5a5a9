"""The peer: webhook delivery as a Python team would build it without pairhub, Celery 5 on Redis.

One task per event posts the event with httpx to the receiver and records its attempt in the same
database, one transaction per attempt. Configured as Celery's documentation recommends for such
work: prefork workers (2 x cores), late acknowledgement, a prefetch multiplier of 1, and automatic
retries with exponential back-off and jitter for transport errors and non-2xx answers.

The bench starts the worker as `celery -A bench.peer_celery worker`; `PEER_BROKER_URL` and
`PEER_DATABASE_URL` tell it where Redis and the database are.
"""

from __future__ import annotations

import os
import time
from functools import cache
from typing import Any

import httpx
from celery import Celery
from sqlalchemy import Engine, create_engine, text

QUEUE = "pairhub_peer"
TABLE = "peer_attempts"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL,"
    " status INTEGER, duration_ms INTEGER NOT NULL, attempted_at REAL NOT NULL)"
)
"""The attempt log of the peer, in the bench's database."""

app = Celery("pairhub_peer", broker=os.environ.get("PEER_BROKER_URL", "redis://127.0.0.1:6379/0"))
app.conf.update(
    task_default_queue=QUEUE,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


class NotDelivered(Exception):
    """The receiver answered, but not with a 2xx: retried like a transport error."""


@cache
def _client() -> httpx.Client:
    # One keep-alive client per worker process, as a team would hold it.
    return httpx.Client(timeout=5.0)


@cache
def _database() -> Engine:
    url = os.environ["PEER_DATABASE_URL"]
    # SQLite: wait for the other worker processes' writes rather than fail at once.
    connect_args: dict[str, Any] = {"timeout": 60} if url.startswith("sqlite") else {}
    return create_engine(url, connect_args=connect_args)


def _record(event_id: int, status: int | None, started: float) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000)
    with _database().begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO {TABLE} (event_id, status, duration_ms, attempted_at)"
                " VALUES (:event_id, :status, :duration_ms, :at)"
            ),
            {"event_id": event_id, "status": status, "duration_ms": duration_ms, "at": time.time()},
        )


@app.task(
    autoretry_for=(httpx.TransportError, NotDelivered),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=10,
    acks_late=True,
)
def deliver(url: str, body: str, event_id: int) -> None:
    """POST one event's body to the receiver and record the attempt; a failure is retried later."""
    started = time.perf_counter()
    try:
        response = _client().post(url, content=body, headers={"Content-Type": "application/json"})
    except httpx.TransportError:
        _record(event_id, None, started)
        raise
    _record(event_id, response.status_code, started)
    if not response.is_success:
        raise NotDelivered(response.status_code)
