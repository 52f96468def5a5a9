"""Concurrent polls of one feed over real HTTP, on SQLite and PostgreSQL: no event twice, none skipped."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from pairhub.bootstrap import Container
from pairhub.entrypoints.api.app import create_app
from tests.integration.test_feed_api import create_feed, record_events
from tests.support import Api

POLLERS = 6


@pytest.fixture
def base_url(container: Container) -> Iterator[str]:
    """The API served by uvicorn on a free loopback port, in a thread of this process."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(container), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    ready = threading.Event()
    while not ready.wait(0.02):
        if server.started:
            ready.set()
        assert thread.is_alive(), "uvicorn stopped before it started"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_concurrent_polls_never_hand_out_an_event_twice_nor_skip_one(
    container: Container, api: Api, base_url: str
) -> None:
    org = api.new_org()
    expected = record_events(container, org, 1000)
    feed_id = create_feed(api, org)
    start = threading.Barrier(POLLERS)
    seen: list[list[str]] = [[] for _ in range(POLLERS)]
    statuses: list[Counter[int]] = [Counter() for _ in range(POLLERS)]

    def consume(index: int) -> None:
        with httpx.Client(base_url=base_url, headers=org.headers, timeout=30) as client:
            start.wait()
            while True:
                response = client.get(f"/v1/feed/{feed_id}")
                statuses[index][response.status_code] += 1
                # 429 means another poller already got the answer `hasNext: false`.
                if response.status_code != 200:
                    return
                body = response.json()
                seen[index].extend(item["eventData"]["unitId"] for item in body["items"])
                if not body["hasNext"]:
                    return

    pollers = [threading.Thread(target=consume, args=(n,)) for n in range(POLLERS)]
    for poller in pollers:
        poller.start()
    for poller in pollers:
        poller.join(timeout=120)

    every = [unit for part in seen for unit in part]
    assert sorted(every) == expected  # each once: no duplicate, no gap
    for part in seen:
        assert part == sorted(part)  # each poller's pages come in feed order
    assert set(sum(statuses, Counter())) <= {200, 429}
