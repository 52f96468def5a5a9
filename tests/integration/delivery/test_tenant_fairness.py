"""Fair shares between tenants: receivers that never answer cost their own organization's share only.

Four organizations with 16 subscriptions each to a receiver that never answers (twice the pool of
32 slots), all producing events, retried every 0.5 s with a 2 s delivery timeout: a fifth
organization's delivery latency stays within twice what it was before they came, measured in the
same test.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import pytest

from pairhub import bootstrap
from pairhub.bootstrap import Container
from pairhub.domain.overview import nearest_rank
from tests.conftest import make_settings
from tests.delivery_support import Receiver, unit_ids

TENANTS = 4
SUBSCRIPTIONS_EACH = 16
POOL = 32
"""The issue's case (60 subscriptions each against the default pool of 128) scaled down by four, so
that the silent tenants' retries cost this test's one process a quarter as much CPU."""
SAMPLES = 60
SPACING_S = 0.04


@pytest.fixture
def container(database_url: str) -> Iterator[Container]:
    """Real time, a pool of 32 slots, retries every 0.5 s and a 2 s timeout."""
    settings = make_settings(
        database_url,
        retry_schedule=(0.5,) * 100,
        onhold_probe_interval=0.5,
        delivery_timeout=2.0,
        delivery_lease=4.0,
        delivery_poll_interval=0.05,
        max_subscriptions_per_organization=SUBSCRIPTIONS_EACH,
        delivery_concurrency=POOL,
    )
    built = bootstrap.build(settings)
    yield built
    built.close()


class Producer:
    """Pairs units of an organization one at a time and notes when each pairing was asked for."""

    def __init__(self, container: Container, name: str, count: int) -> None:
        self._c = container
        self.org = container.organizations.create(name, False, True).id
        self._asset = container.assets.create(self.org, None, f"Trailer of {name}").asset.id
        self._units = [f"tp:{abs(hash(name)) % 10**6:06d}{n:06d}" for n in range(count)]
        for unit_id in self._units:
            container.units.provision(self.org, unit_id)
        self._next = iter(self._units)
        self.asked: dict[str, float] = {}

    def subscribe(self, url: str, count: int) -> None:
        """`count` subscriptions of both events to `url`, sent as soon as an event is there."""
        for _ in range(count):
            self._c.subscriptions.create(
                self.org, url=url, event_version=1, names=["unit.paired"], max_wait_ms=0
            )

    def pair_next(self) -> None:
        """Pair the next unit: one `unit.paired` event."""
        unit_id = next(self._next)
        self.asked[unit_id] = time.monotonic()
        self._c.pairing.pair(self.org, unit_id, self._asset)


async def _measure(producer: Producer, receiver: Receiver, path: str) -> float:
    """Pair `SAMPLES` units one by one; the 95th percentile of the time from each event to its arrival.

    From the event's `registeredOn` (taken in its transaction) to the moment the receiver reads it:
    the delivery, not the wait of the pairing for SQLite's write lock.
    """
    start = len(producer.asked)
    for _ in range(SAMPLES):
        await asyncio.to_thread(producer.pair_next)
        await asyncio.sleep(SPACING_S)  # paces the events; no assertion depends on it
    wanted = set(list(producer.asked)[start:])
    arrived = await asyncio.to_thread(
        receiver.wait_until, lambda got: wanted <= set(unit_ids([r for r in got if r.path == path])), 60
    )
    assert arrived, "the fifth organization's events did not all arrive"
    latency = []
    for request in receiver.requests(path):
        for item in json.loads(request.body)["eventsData"]:
            if item["eventData"]["unitId"] in wanted:
                registered = datetime.fromisoformat(item["eventData"]["registeredOn"]).timestamp()
                latency.append(request.at - registered)
    latency.sort()
    return latency[nearest_rank(len(latency), 95)]


SILENT_RECEIVER = """
import asyncio, sys
from aiohttp import web

count = 0

async def hang(request):
    global count
    count += 1
    await asyncio.Event().wait()

async def counted(request):
    return web.Response(text=str(count))

async def main():
    app = web.Application()
    app.router.add_get("/count", counted)
    app.router.add_post("/{tail:.*}", hang)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(site._server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


class SilentReceiver:
    """A receiver that never answers, in a process of its own (its load is not the worker's)."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", SILENT_RECEIVER], stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        self.url = f"http://127.0.0.1:{int(self._process.stdout.readline())}/hook"

    def received(self) -> int:
        """How many requests it has been sent so far."""
        with urllib.request.urlopen(self.url.replace("/hook", "/count"), timeout=10) as answer:
            return int(answer.read())

    def stop(self) -> None:
        """End the process."""
        self._process.kill()
        self._process.wait(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()


@pytest.fixture
def silent() -> Iterator[SilentReceiver]:
    """A never-answering receiver in another process."""
    receiver = SilentReceiver()
    yield receiver
    receiver.stop()


async def _until_received(silent: SilentReceiver, count: int) -> None:
    """Wait until the silent receiver has been sent `count` requests (checked every 50 ms)."""
    for _ in range(1200):
        if await asyncio.to_thread(silent.received) >= count:
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"the silent receiver was not sent {count} requests")


@contextlib.asynccontextmanager
async def _delivering(container: Container) -> AsyncIterator[None]:
    stopping = asyncio.Event()
    task = asyncio.create_task(container.delivery_worker.run(stopping))
    try:
        yield
    finally:
        stopping.set()
        await task


async def _keep_producing(tenants: list[Producer], stopping: asyncio.Event) -> None:
    """Every tenant keeps producing events while the fifth organization is measured."""
    for producer in itertools.cycle(tenants):
        if stopping.is_set():
            return
        await asyncio.to_thread(producer.pair_next)
        await asyncio.sleep(0.25)


async def test_receivers_that_never_answer_cost_their_own_organization_only(
    container: Container, receiver: Receiver, silent: SilentReceiver
) -> None:
    fifth = Producer(container, "Fifth", 2 * SAMPLES)
    fifth.subscribe(receiver.url("/fast"), 1)
    tenants = [Producer(container, f"Tenant {n}", 400) for n in range(TENANTS)]

    async with _delivering(container):
        baseline = await _measure(fifth, receiver, "/fast")
        for tenant in tenants:
            tenant.subscribe(silent.url, SUBSCRIPTIONS_EACH)
            tenant.pair_next()
        pool = container.settings.delivery_concurrency
        # The tenants hold the whole pool before the fifth organization sends again.
        await _until_received(silent, pool)
        stopping = asyncio.Event()
        producing = asyncio.create_task(_keep_producing(tenants, stopping))
        hanging_before = await asyncio.to_thread(silent.received)
        try:
            loaded = await _measure(fifth, receiver, "/fast")
        finally:
            stopping.set()
            await producing
        hanging_during = await asyncio.to_thread(silent.received) - hanging_before

    # The tenants kept pressing on the pool while the fifth organization was measured.
    assert hanging_during >= pool // 2
    # A starved organization waits a whole delivery timeout for a slot. On top of twice its baseline,
    # a quarter of that timeout absorbs a busy machine's scheduling noise (both measured in this test)
    # and stays far below what starvation costs.
    allowed = 2 * baseline + container.settings.delivery_timeout / 4
    assert loaded <= allowed, f"p95 {loaded:.3f} s under load, {baseline:.3f} s before"
