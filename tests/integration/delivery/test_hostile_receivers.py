"""Receivers that misbehave in every way we know of, all at once, beside one that behaves.

Each hostile receiver gets its own subscription; one delivery run serves them all with a real worker
over real HTTP, on SQLite and PostgreSQL. Every attempt must be logged with the outcome the SPEC gives
its answer and a readable error, and the well-behaved subscription must get its batches in order.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from tests.delivery_support import Receiver, delivery_container, drain, pair_units, subscribe, unit_ids
from tests.hostile_support import (
    Behaviour,
    HostileReceiver,
    drip,
    endless_body,
    raw,
    reset,
    silent,
    status,
)
from tests.support import Api, Org

EVENTS = 3
HOUR_MS = 3_600_000


@dataclass(frozen=True)
class Expected:
    """What the first attempt against a hostile receiver must be logged as."""

    behaviour: Behaviour
    status: int | None
    outcome: str
    error: str | tuple[str, ...] | None = None
    """A phrase the attempt's error must hold, or one of several (None: the attempt has no error)."""
    retry_in_ms: int | None = None
    """When set, the batch's next attempt is exactly this far after the first one."""


# A receiver that drops the connection: the client reads the close as a reset or a broken pipe when it
# lands while the request is still being written or read (the kernel's timing), as a close otherwise.
DROPPED = (
    "connection error: Connection reset by peer",
    "connection error: Broken pipe",
    "the receiver closed the connection without answering",
)

HOSTILE = {
    # 1xx: an interim answer before the real one is skipped; one alone is no answer at all.
    "/early-hints": Expected(
        raw(b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        200,
        "delivered",
    ),
    "/continue-then-close": Expected(raw(b"HTTP/1.1 100 Continue\r\n\r\n"), None, "retry", DROPPED),
    "/switching-protocols": Expected(status(101, "Upgrade: websocket"), 101, "failed"),
    "/no-content": Expected(status(204), 204, "delivered"),
    "/redirect": Expected(status(301, "Location: http://169.254.169.254/latest/meta-data/"), 301, "failed"),
    "/bad-request": Expected(status(400, body=b"no such hook"), 400, "failed"),
    "/request-timeout": Expected(status(408), 408, "retry"),
    "/gone": Expected(status(410), 410, "disabled"),
    "/garbage-retry-after": Expected(
        status(429, "Retry-After: soon"), 429, "retry", "Retry-After 'soon' ignored", retry_in_ms=10_000
    ),
    "/huge-retry-after": Expected(
        status(429, "Retry-After: 99999999999999999999"), 429, "retry", retry_in_ms=HOUR_MS
    ),
    "/far-retry-after-date": Expected(
        status(503, "Retry-After: Fri, 31 Dec 9999 23:59:59 GMT"), 503, "retry", retry_in_ms=HOUR_MS
    ),
    "/server-error": Expected(status(500), 500, "retry", retry_in_ms=10_000),
    "/status-999": Expected(status(999), 999, "failed"),
    "/megabyte-header": Expected(
        status(200, "X-Big: " + "a" * 1_048_576), None, "retry", "the answer is not valid HTTP"
    ),
    "/not-http": Expected(raw(b"SSH-2.0-OpenSSH_9.6\r\n"), None, "retry", "Bad status line"),
    "/invalid-utf8": Expected(status(503, body=b"\xff\xfe busy \x00 \xc3"), 503, "retry"),
    "/endless-body": Expected(endless_body(), 200, "delivered"),
    "/slow-drip": Expected(
        drip(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0.2), None, "retry", "timeout after 1 s"
    ),
    "/reset": Expected(reset(), None, "retry", DROPPED),
    "/never-answers": Expected(silent(), None, "retry", "timeout after 1 s"),
}


def batches_of(api: Api, org: Org, sub_id: str) -> list[dict[str, Any]]:
    """The subscription's batches, oldest first."""
    response = api.client.get(
        f"/v1/organizations/{org.id}/subscriptions/{sub_id}/batches", headers=org.headers
    )
    assert response.status_code == 200, response.text
    return list(reversed(response.json()["data"]))


def is_readable(text: str) -> bool:
    """One line of printable text, without Python reprs or tracebacks."""
    return text.isprintable() and "Traceback" not in text and " object at 0x" not in text


def _ms(iso_time: str) -> int:
    return round(datetime.fromisoformat(iso_time).timestamp() * 1000)


async def test_every_hostile_answer_is_logged_and_costs_only_its_own_subscription(
    api: Api, container: Container, receiver: Receiver
) -> None:
    org = api.new_org()
    good = subscribe(api, org, receiver.url("/good"), maxBatchSize=1)
    with HostileReceiver({path: case.behaviour for path, case in HOSTILE.items()}) as hostile:
        subs = {path: subscribe(api, org, hostile.url(path), maxBatchSize=1) for path in HOSTILE}
        paired = pair_units(container, org.id, EVENTS)

        await drain(container.delivery_worker)
        hostile.release()

    # The well-behaved receiver got every batch, one event each, in registration order, first time.
    assert unit_ids(receiver.requests("/good")) == paired
    assert [b["status"] for b in batches_of(api, org, good["id"])] == ["delivered"] * EVENTS
    for path, expected in HOSTILE.items():
        batches = batches_of(api, org, subs[path]["id"])
        first = batches[0]["attemptLog"][0]
        assert (first["statusCode"], first["outcome"]) == (expected.status, expected.outcome), (path, first)
        if expected.error is None:
            assert first["error"] is None, (path, first)
        else:
            phrases = (expected.error,) if isinstance(expected.error, str) else expected.error
            assert any(phrase in first["error"] for phrase in phrases), (path, first["error"])
            assert is_readable(first["error"]), (path, first)
        assert "\x00" not in first["responseExcerpt"] and len(first["responseExcerpt"]) <= 2048, path
        if expected.retry_in_ms is not None:
            wait = _ms(batches[0]["nextAttemptAt"]) - _ms(first["attemptedAt"])
            assert wait == expected.retry_in_ms, (path, batches[0])
        if expected.outcome == "failed":
            # A refused batch is not retried: delivery goes on with the next one.
            assert [b["status"] for b in batches] == ["failed"] * EVENTS, path
    state = api.client.get(
        f"/v1/organizations/{org.id}/subscriptions/{subs['/gone']['id']}", headers=org.headers
    ).json()["state"]
    assert state == "disabled"


@pytest.fixture
def patient_container(database_url: str, clock: ManualClock) -> Any:
    """A container that waits a minute for an answer, so a silent receiver stays silent throughout."""
    with delivery_container(database_url, clock, delivery_timeout=60.0) as built:
        yield built


async def test_batches_of_others_arrive_in_order_while_a_receiver_holds_its_request(
    api: Api, patient_container: Container, receiver: Receiver
) -> None:
    container = patient_container
    org = api.new_org()
    subscribe(api, org, receiver.url("/good"), maxBatchSize=1)
    with HostileReceiver({"/held": silent()}) as hostile:
        subscribe(api, org, hostile.url("/held"), maxBatchSize=1)
        paired = pair_units(container, org.id, 5)
        delivering = asyncio.create_task(drain(container.delivery_worker))

        arrived = await asyncio.to_thread(
            receiver.wait_until, lambda received: len(received) == len(paired), 30
        )
        # Still holding its one request: the others were not waiting for it.
        assert arrived and hostile.requests("/held") == 1 and not delivering.done()
        hostile.release()
        await delivering

    assert unit_ids(receiver.requests("/good")) == paired
