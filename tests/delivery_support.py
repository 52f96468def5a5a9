"""Delivery test support: a real webhook receiver on loopback and helpers that create events."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web
from standardwebhooks import Webhook

from pairhub import bootstrap
from pairhub.bootstrap import Container
from pairhub.ports import Clock
from pairhub.services.delivery import Job
from pairhub.worker.runner import DeliveryWorker
from pairhub.worker.step import StepRequest
from tests.conftest import make_settings
from tests.support import Api, Org


@dataclass(frozen=True)
class Reply:
    """A scripted answer; `hang` keeps the request open until the receiver stops (a timeout).

    `delay` answers late, so that requests are in flight when a sender process is killed.
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str = "ok"
    hang: bool = False
    delay: float = 0.0


@dataclass(frozen=True)
class Received:
    """One request as the receiver saw it."""

    path: str
    host: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.time)
    """When it arrived (`time.time`, to compare with the events' `registeredOn`)."""

    @property
    def batch_id(self) -> str:
        """The `webhook-id` header."""
        return self.headers["webhook-id"]

    def verify(self, secret: str) -> Any:
        """Verify with the `standardwebhooks` package and return the parsed body (raises otherwise)."""
        return Webhook(secret).verify(self.body, self.headers)


class Receiver:
    """The tests' one webhook receiver: an HTTP server on 127.0.0.1 with a scripted answer per path.

    It answers 200 when nothing is scripted; the `receiver` fixture of `tests/conftest.py` gives one
    per test (in-process and end-to-end tests alike).
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._lock = threading.Condition()
        self._received: list[Received] = []
        self._script: dict[str, deque[Reply]] = defaultdict(deque)
        self._default: dict[str, Reply] = {}
        self._release: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.answer: Callable[[int], Reply] | None = None
        """When set, chooses the reply to the n-th request (n counts from 1), overriding the scripts."""

    def __enter__(self) -> Receiver:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        self._release = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def _stop(self) -> None:
        assert self._release is not None and self._runner is not None
        self._release.set()
        await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        received = Received(request.path, request.host, dict(request.headers), body)
        with self._lock:
            self._received.append(received)
            queue = self._script[request.path]
            reply = queue.popleft() if queue else self._default.get(request.path, Reply())
            if self.answer is not None:
                reply = self.answer(len(self._received))
            self._lock.notify_all()
        if reply.hang:
            assert self._release is not None
            await self._release.wait()
        elif reply.delay:
            # A slow receiver keeps requests in flight, where a killed sender leaves them unrecorded.
            await asyncio.sleep(reply.delay)
        return web.Response(status=reply.status, text=reply.body, headers=reply.headers)

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        """The URL of `path` on this receiver."""
        return f"http://{host}:{self.port}{path}"

    def script(self, path: str, *replies: Reply | int) -> None:
        """Answer the next requests on `path` with these replies, in order."""
        with self._lock:
            for reply in replies:
                self._script[path].append(reply if isinstance(reply, Reply) else Reply(reply))

    def always(self, path: str, reply: Reply | int) -> None:
        """Answer every unscripted request on `path` with `reply`."""
        with self._lock:
            self._default[path] = reply if isinstance(reply, Reply) else Reply(reply)

    def requests(self, path: str | None = None) -> list[Received]:
        """What was received so far (on `path`, or anywhere)."""
        with self._lock:
            return [r for r in self._received if path is None or r.path == path]

    def bodies(self, path: str | None = None) -> list[Any]:
        """The JSON bodies received so far (on `path`, or anywhere), in arrival order."""
        return [json.loads(request.body) for request in self.requests(path)]

    def wait_until(self, condition: Callable[[list[Received]], bool], timeout: float) -> bool:
        """Block until `condition(all requests)` holds or `timeout` seconds pass; return whether it held."""
        with self._lock:
            return self._lock.wait_for(lambda: condition(list(self._received)), timeout=timeout)


def subscribe(api: Api, org: Org, url: str, **fields: Any) -> dict[str, Any]:
    """Create a subscription through the API (v1, both events, no waiting unless told) and return it."""
    body = {"url": url, "eventVersion": 1, "eventNames": ["unit.paired", "unit.unpaired"], "maxWaitMs": 0}
    body.update(fields)
    response = api.client.post(f"/v1/organizations/{org.id}/subscriptions", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def pair_units(container: Container, organization_id: str, count: int, prefix: str = "tp") -> list[str]:
    """Provision `count` units and pair each with one asset: one `unit.paired` event per unit, in order."""
    asset = container.assets.create(organization_id, None, f"Trailer {prefix}").asset.id
    unit_ids = []
    for number in range(count):
        unit_id = f"{prefix}:{number:06d}"
        container.units.provision(organization_id, unit_id)
        container.pairing.pair(organization_id, unit_id, asset)
        unit_ids.append(unit_id)
    return unit_ids


def claim_and_prepare(worker: DeliveryWorker, limit: int = 10) -> list[Job]:
    """One step that only leases and prepares: batches are frozen, nothing is sent."""
    return worker.step(StepRequest(finished=(), keep=(), give_back=(), claim=limit, busy=frozenset()))


def unit_ids(received: list[Received]) -> list[str]:
    """The unit ids of every event in these requests, in the order they were received."""
    ids = []
    for request in received:
        for item in json.loads(request.body)["eventsData"]:
            ids.append(item["eventData"]["unitId"])
    return ids


async def drain(delivery: DeliveryWorker, rounds: int = 20) -> int:
    """Run the delivery step until it has nothing left to do at the current time; return the attempts."""
    total = 0
    for _ in range(rounds):
        made = await delivery.run_once()
        total += made
        if made == 0:
            return total
    raise AssertionError("delivery did not settle")


def delivery_settings(database_url: str, **overrides: Any) -> Any:
    """Settings with a short schedule (10 s, 20 s), probes every 60 s and a one-hour retention."""
    values: dict[str, Any] = {
        "retry_schedule": (10.0, 20.0),
        "delivery_timeout": 1.0,
        "onhold_probe_interval": 60.0,
        "event_retention": 3600.0,
        **overrides,
    }
    return make_settings(database_url, **values)


@contextlib.contextmanager
def delivery_container(database_url: str, clock: Clock, **overrides: Any) -> Iterator[Container]:
    """A container whose retries have no jitter, so tests can walk through the schedule exactly."""
    built = bootstrap.build(delivery_settings(database_url, **overrides), clock, jitter=lambda: 0.0)
    try:
        yield built
    finally:
        built.close()
