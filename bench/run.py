"""`make bench`: run pairhub for real and measure ingest, matching and delivery against the limits."""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench import cpu, history, limits, machine, match_latency, profile, search_latency, setup
from bench import mqtt as bench_mqtt
from bench.report import Figure, write
from pairhub.adapters.secret_box import new_key
from pairhub.adapters.sql import migrate
from pairhub.adapters.sql.engine import make_engine
from pairhub.adapters.sql.tables import events, units
from pairhub.config import Settings
from pairhub.contract.render import render_envelope
from pairhub.domain.events import manual_pair

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "bench-admin-token"
INGEST = "bench-ingest-token"
PAIRHUB = str(Path(sys.executable).with_name("pairhub"))


@dataclass(frozen=True)
class Sizes:
    """Workload sizes: the issue's numbers, or tiny ones for the smoke run inside `make test`."""

    delivery_subscriptions: int = 200
    delivery_events: int = 20_000
    bulk_subscriptions: int = 10
    bulk_events: int = 200_000
    paired_units: int = 10_000
    ingest_messages: int = 1_000_000
    pairing_assets: int = 100_000
    pairing_units: int = 20_000
    stored_assets: int = 1_000_000
    stored_units: int = 100_000
    partial_units: int = 10_000
    latency_pairs: int = 1_000
    latency_rate: float = 100.0
    mqtt_messages: int = 50_000
    history_events: int = 10_000_000
    history_attempts: int = 1_000_000
    limit_seconds: float = 3.0


SMOKE = Sizes(
    delivery_subscriptions=3,
    delivery_events=60,
    bulk_subscriptions=2,
    bulk_events=400,
    paired_units=100,
    ingest_messages=2_000,
    pairing_assets=500,
    pairing_units=200,
    stored_assets=1_000,
    stored_units=200,
    partial_units=200,
    latency_pairs=20,
    latency_rate=50.0,
    mqtt_messages=300,
    history_events=2_000,
    history_attempts=200,
    limit_seconds=0.3,
)


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_http(url: str, within_s: float = 60) -> None:
    """Poll until `url` answers."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


class Api:
    """Blocking JSON calls to the pairhub under test."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def call(self, method: str, path: str, body: Any = None, token: str = ADMIN) -> Any:
        """One request; raises on a non-2xx answer."""
        request = urllib.request.Request(
            self.base_url + path,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method=method,
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            text = response.read()
            return json.loads(text) if text else None

    def organization(self, name: str, auto_pairing: bool = False) -> str:
        """Create an organization; returns its id."""
        created = self.call("POST", "/v1/organizations", {"name": name, "autoPairingEnabled": auto_pairing})
        return str(created["id"])

    def subscription(self, org_id: str, url: str, max_batch_size: int, max_wait_ms: int) -> str:
        """Create a v1 subscription for both events; returns its id."""
        body = {
            "url": url,
            "eventVersion": 1,
            "eventNames": ["unit.paired", "unit.unpaired"],
            "maxBatchSize": max_batch_size,
            "maxWaitMs": max_wait_ms,
        }
        return str(self.call("POST", f"/v1/organizations/{org_id}/subscriptions", body)["id"])


class Receiver:
    """The fast receiver process."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.receiver", "--port", str(self.port)], cwd=ROOT
        )
        wait_http(f"{self.url}/_stats")

    def reset(self, record: bool = False) -> None:
        """Forget what arrived."""
        request = urllib.request.Request(f"{self.url}/_reset?record={int(record)}", method="POST")
        urllib.request.urlopen(request).close()

    def stats(self) -> dict[str, Any]:
        """Counts so far."""
        with urllib.request.urlopen(f"{self.url}/_stats") as response:
            result: dict[str, Any] = json.load(response)
            return result

    def arrivals(self) -> list[tuple[str, float]]:
        """(unitId, arrival time) of recorded events."""
        with urllib.request.urlopen(f"{self.url}/_arrivals") as response:
            return [(unit, at) for unit, at in json.load(response)]

    def wait_for_events(self, count: int, within_s: float) -> dict[str, Any]:
        """Poll until `count` events arrived; returns the final stats."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            current = self.stats()
            if current["events"] >= count:
                return current
            time.sleep(0.02)
        raise RuntimeError(f"only {self.stats()['events']} of {count} events arrived within {within_s} s")

    def stop(self) -> None:
        """Kill the receiver."""
        self.process.kill()
        self.process.wait()


BENCH_SECRET_KEY = new_key()
"""One key for every process of a run (PostgreSQL refuses to start without one)."""


def server_env(database_url: str) -> dict[str, str]:
    """The environment of every pairhub process of a run."""
    return {
        "PAIRHUB_DATABASE_URL": database_url,
        "PAIRHUB_SECRET_KEY": BENCH_SECRET_KEY,
        "PAIRHUB_ADMIN_TOKEN": ADMIN,
        "PAIRHUB_INGEST_TOKEN": INGEST,
        "PAIRHUB_ALLOW_PRIVATE_WEBHOOK_TARGETS": "true",
        "PAIRHUB_ALLOW_INSECURE_WEBHOOKS": "true",
        "PAIRHUB_LOG_FORMAT": "json",
    }


class Server:
    """A real `pairhub serve` process."""

    def __init__(
        self, database_url: str, workdir: Path, extra_env: dict[str, str] | None = None, *options: str
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **server_env(database_url), **(extra_env or {})}
        self.log = (workdir / f"serve-{self.port}.log").open("wb")
        self.process = subprocess.Popen(
            [PAIRHUB, "serve", "--port", str(self.port), *options],
            cwd=workdir,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        wait_http(f"{self.base_url}/healthz")
        self.api = Api(self.base_url)

    def metric(self, name: str) -> float:
        """The sum of a metric's samples named `name` on /metrics (0 when absent)."""
        with urllib.request.urlopen(f"{self.base_url}/metrics", timeout=30) as response:
            lines = response.read().decode().splitlines()
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in lines
            if line.startswith(name) and line[len(name) : len(name) + 1] in ("{", " ")
        )

    def step_note(self, before: tuple[float, float, float]) -> str:
        """How the delivery steps since `before` (from `steps()`) went: count, attempts and time each."""
        steps, attempts, seconds = (now - then for now, then in zip(self.steps(), before, strict=True))
        if not steps:
            return ""  # the steps ran in `pairhub worker` processes
        return f"{steps:,.0f} steps, {attempts / steps:.1f} attempts and {seconds / steps * 1000:.1f} ms each"

    def steps(self) -> tuple[float, float, float]:
        """Delivery steps, attempts and step seconds so far."""
        return (
            self.metric("pairhub_delivery_step_seconds_count"),
            self.metric("pairhub_webhook_attempts_total"),
            self.metric("pairhub_delivery_step_seconds_sum"),
        )

    def peak_rss_mb(self) -> float:
        """Peak RSS of the serve process so far."""
        return machine.peak_rss_mb(self.process.pid)

    def stop(self) -> None:
        """Terminate and wait."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


async def _post_all(urls: list[str], token: str, bodies: list[bytes], concurrency: int) -> None:
    queue = list(reversed(bodies))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker(url: str) -> None:
            while queue:
                body = queue.pop()
                async with session.post(url, data=body, headers=headers) as response:
                    answer = await response.read()
                    if response.status >= 300:
                        raise RuntimeError(f"{response.status}: {answer[:300]!r}")

        await asyncio.gather(*(worker(urls[n % len(urls)]) for n in range(concurrency)))


def post_all(urls: list[str], token: str, bodies: list[bytes], concurrency: int = 4) -> float:
    """Post every body with `concurrency` requests in flight, spread over `urls`; returns seconds."""
    started = time.perf_counter()
    asyncio.run(_post_all(urls, token, bodies, concurrency))
    return time.perf_counter() - started


def _count(engine: Engine, query: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _deliver(
    server: Server,
    receiver: Receiver,
    engine: Engine,
    path: str,
    subscriptions: int,
    events: int,
    batch: int,
    at_start: Callable[[], None] | None = None,
) -> tuple[dict[str, Any], float, str]:
    """Subscribe that many organizations to `path`, fill their outboxes, resume, wait until all arrive.

    The subscriptions are paused while `events` are recorded, so the figure measures delivery alone, not
    the recording (which renders each event's payloads). Returns the receiver's counts and when the
    first subscription was resumed (the start of the measurement), and how the steps went.
    """
    orgs = [server.api.organization(f"{path} {n}") for n in range(subscriptions)]
    subscribed = []
    for org in orgs:
        sub_id = server.api.subscription(
            org, f"{receiver.url}{path}", max_batch_size=batch, max_wait_ms=0 if batch == 1 else 500
        )
        server.api.call("PATCH", f"/v1/organizations/{org}/subscriptions/{sub_id}", {"state": "paused"})
        subscribed.append((org, sub_id))
    receiver.reset()
    per_org = events // len(orgs)
    setup.insert_events(engine, orgs, per_org)
    steps = server.steps()
    if at_start is not None:
        at_start()
    started = time.time()
    for org, sub_id in subscribed:
        server.api.call("POST", f"/v1/organizations/{org}/subscriptions/{sub_id}/resume")
    stats = receiver.wait_for_events(per_org * len(orgs), within_s=900)
    return stats, started, server.step_note(steps)


def figure_delivery_requests(
    server: Server, receiver: Receiver, engine: Engine, sizes: Sizes
) -> list[Figure]:
    """Many subscriptions, one event per batch: the sender's request rate against a bare loop."""
    stats, started, note = _deliver(
        server, receiver, engine, "/hook", sizes.delivery_subscriptions, sizes.delivery_events, 1
    )
    rate = stats["requests"] / (stats["lastAt"] - started)
    # As many requests in flight as pairhub's worker keeps by default.
    in_flight = Settings.model_fields["delivery_concurrency"].default
    l_post = limits.l_post(f"{receiver.url}/hook", 520, sizes.limit_seconds, in_flight)
    return [
        Figure(
            "L-post", f"L-post: bare aiohttp loop, 520-byte body, {in_flight} in flight", l_post, "requests/s"
        ),
        Figure(
            "delivery_unbatched",
            f"delivery requests/s ({sizes.delivery_subscriptions} subscriptions, maxBatchSize 1)",
            rate,
            "requests/s",
            "L-post",
            l_post,
            target_ratio=0.5,
            note=note,
        ),
    ]


def figure_delivery_events(server: Server, receiver: Receiver, engine: Engine, sizes: Sizes) -> list[Figure]:
    """Few subscriptions, big batches: events/s through the whole pipeline."""
    stats, started, note = _deliver(
        server, receiver, engine, "/bulk", sizes.bulk_subscriptions, sizes.bulk_events, 500
    )
    rate = stats["events"] / (stats["lastAt"] - started)
    batch = limits.l_post_batch(f"{receiver.url}/bulk", _batch_body(500), seconds=sizes.limit_seconds)
    return [
        Figure("L-post-batch", "L-post-batch: bare aiohttp loop, a 500-event body", batch, "requests/s"),
        Figure(
            "delivery_batched",
            f"delivery events/s ({sizes.bulk_subscriptions} subscriptions, maxBatchSize 500)",
            rate,
            "events/s",
            "L-post-batch x 500",
            batch * 500,
            target_ratio=0.25,
            note=note,
        ),
    ]


def _redis(workdir: Path) -> tuple[str, subprocess.Popen[bytes] | None] | str:
    """A Redis for the peer: PAIRHUB_BENCH_REDIS_URL, else a `redis-server` of this run on a free port.

    Returns (URL, the process started) or the reason why there is none.
    """
    given = os.environ.get("PAIRHUB_BENCH_REDIS_URL")
    if given:
        return given, None
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if binary is None:
        return "no redis-server (apt-get install redis-server) and no PAIRHUB_BENCH_REDIS_URL"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return f"redis://127.0.0.1:{port}/0", process
        except OSError:
            time.sleep(0.05)
    process.kill()
    return f"redis-server did not listen on port {port} within 10 s"


def figure_peer_celery(
    receiver: Receiver, engine: Engine, workdir: Path, sizes: Sizes, delivery: list[Figure]
) -> list[Figure]:
    """The same events delivered by Celery 5 workers on Redis, one task per event, beside pairhub."""
    try:
        from bench import peer_celery
    except ImportError as missing:
        print(f"peer_celery_delivery skipped: {missing} (pip install -e '.[bench]')", file=sys.stderr)
        return []
    found = _redis(workdir)
    if isinstance(found, str):
        print(f"peer_celery_delivery skipped: {found}", file=sys.stderr, flush=True)
        return []
    broker_url, redis_process = found

    with engine.begin() as connection:
        connection.exec_driver_sql(peer_celery.CREATE_TABLE)
    cores = os.cpu_count() or 1
    env = {**os.environ, "PEER_BROKER_URL": broker_url, "PEER_DATABASE_URL": str(engine.url)}
    log = (workdir / "celery.log").open("wb")
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "bench.peer_celery", "worker", "--pool", "prefork"),
            *("--concurrency", str(2 * cores), "--prefetch-multiplier", "1", "--loglevel", "WARNING"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", peer_celery.QUEUE),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        peer_celery.app.conf.broker_url = broker_url
        body = _batch_body(1).decode()
        url = f"{receiver.url}/peer"
        # One task through first, so that the workers' start is not measured.
        peer_celery.deliver.delay(url, body, -1)
        _wait_for_rows(engine, 1, within_s=120)
        # Enough tasks for a steady rate; the peer is much slower than pairhub, so not the full count.
        count = min(sizes.delivery_events, 2000)
        receiver.reset()
        started = time.time()
        for event_id in range(count):
            peer_celery.deliver.delay(url, body, event_id)
        _wait_for_rows(engine, count + 1, within_s=1800)
        stats = receiver.stats()
        rate = stats["requests"] / (stats["lastAt"] - started)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        log.close()
        if redis_process is not None:
            redis_process.kill()
            redis_process.wait()
    peer = Figure(
        "peer_celery_delivery",
        f"peer: Celery 5 on Redis, {2 * cores} prefork workers, one task per event (httpx)",
        rate,
        "requests/s",
        note=f"{count} events, each attempt recorded in the same database",
        correct=stats["requests"] >= count,
    )
    unbatched = next((figure for figure in delivery if figure.id == "delivery_unbatched"), None)
    if unbatched is None:
        return [peer]
    versus = Figure(
        "delivery_vs_celery",
        "delivery_unbatched beside the peer (same run, same receiver)",
        unbatched.value,
        "requests/s",
        "peer_celery_delivery",
        rate,
        target_ratio=3.0,
    )
    return [peer, versus]


def _wait_for_rows(engine: Engine, count: int, within_s: float) -> None:
    """Poll the peer's attempt log until `count` attempts answered 2xx."""
    query = text("SELECT count(*) FROM peer_attempts WHERE status BETWEEN 200 AND 299")
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if int(connection.execute(query).scalar_one()) >= count:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the peer recorded fewer than {count} deliveries within {within_s} s")


def _batch_body(count: int) -> bytes:
    """A real v1 envelope of `count` ManualPair events, as the delivery figure sends them."""
    now = int(time.time() * 1000)
    batch = [
        manual_pair(str(uuid.uuid4()), f"tp:{n}", str(uuid.uuid4()), setup.vin_for(n), now)
        for n in range(count)
    ]
    return orjson.dumps(render_envelope(str(uuid.uuid4()), str(uuid.uuid4()), now * 1_000_000, batch, 1))


def _messages_body(unit_ids: list[str], vins: list[str]) -> bytes:
    messages = [
        {"unitId": unit, "vin": vin, "location": {"latitude": 50.869, "longitude": 2.8942}}
        for unit, vin in zip(unit_ids, vins, strict=True)
    ]
    return json.dumps({"messages": messages}).encode()


def figure_auto_pairing(
    servers: list[Server], engine: Engine, sizes: Sizes, l_write: float | None
) -> list[Figure]:
    """New units pairing by exact VIN among many assets (the ingest figure then reuses them)."""
    server = servers[0]
    org = server.api.organization("Auto pairing", auto_pairing=True)
    setup.insert_assets(engine, org, sizes.pairing_assets)
    if engine.dialect.name == "sqlite":
        # The memory figure is taken with a million assets stored; the rest sit in another organization.
        filler = server.api.organization("Stored assets")
        setup.insert_assets(
            engine, filler, max(0, sizes.stored_assets - sizes.pairing_assets), prefix="YS2R4X20"
        )
        setup.insert_units(engine, filler, [f"stored:{n}" for n in range(sizes.stored_units)])
    unit_ids = [f"tp:{100_000_000 + n}" for n in range(sizes.pairing_units)]
    setup.insert_units(engine, org, unit_ids)
    vins = [setup.vin_for(n) for n in range(sizes.pairing_units)]
    bodies = [
        _messages_body(unit_ids[start : start + 1000], vins[start : start + 1000])
        for start in range(0, len(unit_ids), 1000)
    ]
    urls = [f"{s.base_url}/v1/unit-messages" for s in servers]
    elapsed = post_all(urls, INGEST, bodies, concurrency=2 * len(servers))
    paired = _count(engine, select(func.count()).select_from(units).where(units.c.asset_id.is_not(None)))
    auto_events = _count(
        engine, select(func.count()).select_from(events).where(events.c.reason == "AutoPair")
    )
    pairing_rate = paired / elapsed
    return [
        Figure(
            "autopair_exact",
            f"auto pairings/s (exact VINs among {sizes.pairing_assets:,} assets, events included)",
            pairing_rate,
            "pairings/s",
            "L-write" if l_write else None,
            l_write,
            target_ratio=0.5 if l_write else None,
            note=f"{paired} units paired, {auto_events} AutoPair events recorded",
            correct=auto_events == paired == sizes.pairing_units,
        )
    ]


def figure_ingest(servers: list[Server], sizes: Sizes) -> list[Figure]:
    """The steady state: the units the auto-pairing figure paired keep reporting their VINs."""
    unit_ids = [f"tp:{100_000_000 + n}" for n in range(sizes.pairing_units)]
    vins = [setup.vin_for(n) for n in range(sizes.pairing_units)]
    urls = [f"{s.base_url}/v1/unit-messages" for s in servers]
    steady_units = unit_ids[: sizes.paired_units]
    steady_vins = vins[: sizes.paired_units]
    repeats = max(1, sizes.ingest_messages // len(steady_units))
    first_pass = [
        _messages_body(steady_units[start : start + 1000], steady_vins[start : start + 1000])
        for start in range(0, len(steady_units), 1000)
    ]
    steady_bodies = first_pass * repeats
    # The steady state of a running server: each process has seen these units once (and so knows they
    # are paired) before the clock starts, as it has after its first seconds of traffic.
    for url in urls:
        post_all([url], INGEST, first_pass, concurrency=4)
    steady_elapsed = post_all(urls, INGEST, steady_bodies, concurrency=4 * len(servers))
    per_body = min(1000, len(steady_units))
    ingest_rate = len(steady_bodies) * per_body / steady_elapsed
    l_ingest = limits.l_ingest(steady_bodies[0], seconds=sizes.limit_seconds, concurrency=4 * len(servers))
    return [
        Figure("L-ingest", "L-ingest: bare uvicorn endpoint, orjson, 202", l_ingest, "requests/s"),
        Figure(
            "ingest_http",
            "ingest messages/s, paired units (requests of 1,000)",
            ingest_rate,
            "messages/s",
            f"L-ingest x {per_body:,}",
            l_ingest * per_body,
            target_ratio=0.25,
        ),
    ]


def figure_partial_pairing(server: Server, engine: Engine, sizes: Sizes, l_write: float) -> list[Figure]:
    """New units pairing by partial VINs: half truncated (P1), half with one typo before the serial (P2)."""
    org = server.api.organization("Partial pairing", auto_pairing=True)
    count = sizes.partial_units
    first = 1000  # small numbers end in repeated characters, which are InvalidData, not partial VINs
    setup.insert_assets(engine, org, first + count, prefix="VF1RFB00")
    unit_ids = [f"pp:{n}" for n in range(count)]
    setup.insert_units(engine, org, unit_ids)
    vins = []
    for n in range(count):
        vin = setup.vin_for(first + n, prefix="VF1RFB00")
        typo = "X" if vin[3] != "X" else "Y"
        vins.append(vin[-9:] if n % 2 == 0 else vin[:3] + typo + vin[4:])
    bodies = [
        _messages_body(unit_ids[start : start + 1000], vins[start : start + 1000])
        for start in range(0, count, 1000)
    ]
    elapsed = post_all([f"{server.base_url}/v1/unit-messages"], INGEST, bodies, concurrency=2)
    paired = _count(
        engine,
        select(func.count())
        .select_from(units)
        .where(units.c.organization_id == org, units.c.asset_id.is_not(None)),
    )
    return [
        Figure(
            "autopair_partial",
            "auto pairings/s (partial VINs, P1 and P2 mixed, events included)",
            paired / elapsed,
            "pairings/s",
            "L-write",
            l_write,
            target_ratio=0.4,
            note=f"{paired} of {count} units paired",
            correct=paired == count,
        )
    ]


def latency_with_workers(workdir: Path, receiver: Receiver, sizes: Sizes, profiling: bool) -> list[Figure]:
    """The end-to-end latency on `serve --workers 1` of its own database: the API and the delivery in
    separate processes, as on a machine with cores to spare (the all-in-one `serve` shares one GIL)."""
    database_url = f"sqlite:///{workdir / 'latency.db'}"
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    server = Server(database_url, workdir, None, "--workers", "1")
    if profiling:
        PROFILED.append((server.process.pid, workdir))
    try:
        return timed(figure_end_to_end_latency, server, receiver, engine, sizes)
    finally:
        if profiling:
            PROFILED.pop()
        server.stop()
        engine.dispose()


def _latencies_ms(server: Server, receiver: Receiver, engine: Engine, sizes: Sizes, tag: str) -> list[float]:
    """Manual pair → webhook received for `latency_pairs` new units at a steady pace, sorted (ms)."""
    org = server.api.organization(f"Latency {tag}")
    key = server.api.call("POST", f"/v1/organizations/{org}/api-keys")["key"]
    server.api.subscription(org, f"{receiver.url}/latency", max_batch_size=100, max_wait_ms=0)
    asset_ids = setup.insert_assets(engine, org, sizes.latency_pairs, prefix="VF1RFB00")
    unit_ids = [f"{tag}:{n}" for n in range(sizes.latency_pairs)]
    setup.insert_units(engine, org, unit_ids)
    receiver.reset(record=True)
    # The same client as L-rtt's: one keep-alive session, paced.
    bodies = [
        orjson.dumps({"unitId": unit, "assetId": asset})
        for unit, asset in zip(unit_ids, asset_ids, strict=True)
    ]
    posted = limits.paced_posts(
        f"{server.base_url}/v1/organizations/{org}/pairings",
        bodies,
        sizes.latency_rate,
        {"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    sent = {unit: at for unit, (at, _) in zip(unit_ids, posted, strict=True)}
    receiver.wait_for_events(len(unit_ids), within_s=120)
    return sorted((at - sent[unit]) * 1000 for unit, at in receiver.arrivals() if unit in sent)


def _p99(latencies_ms: list[float]) -> float:
    return latencies_ms[min(len(latencies_ms) - 1, int(len(latencies_ms) * 0.99))]


def figure_end_to_end_latency(
    server: Server, receiver: Receiver, engine: Engine, sizes: Sizes
) -> list[Figure]:
    """Manual pair → webhook received, at a steady pace, maxWaitMs 0."""
    latencies_ms = _latencies_ms(server, receiver, engine, sizes, "lat")
    p99 = _p99(latencies_ms)
    p50 = statistics.median(latencies_ms)
    l_rtt = limits.l_rtt(f"{receiver.url}/rtt", sizes.latency_pairs, sizes.latency_rate)
    return [
        Figure("L-rtt", "L-rtt: bare request, one durable commit, one POST (p99)", l_rtt, "ms"),
        Figure(
            "e2e_latency_p99",
            f"end-to-end latency p99 (manual pair → webhook received, {sizes.latency_rate:g} pairs/s, "
            "serve --workers 1)",
            p99,
            "ms",
            "L-rtt",
            l_rtt,
            target_max_ratio=2.0,
            note=f"p50 {p50:.1f} ms over {len(latencies_ms)} pairs",
        ),
    ]


def figure_history_growth(workdir: Path, receiver: Receiver, sizes: Sizes) -> list[Figure]:
    """Delivery rate and end-to-end p99 with a long history in the database, against the same figures on
    the same database empty (one `serve --workers 1`, one run); and what the history costs on disk."""
    database_url = f"sqlite:///{workdir / 'history.db'}"
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    server = Server(database_url, workdir, None, "--workers", "1")

    def measure(tag: str, sized: Sizes = sizes) -> tuple[float, float]:
        stats, started, _ = _deliver(
            server, receiver, engine, f"/{tag}", sized.bulk_subscriptions, sized.bulk_events, 500
        )
        rate = stats["events"] / (stats["lastAt"] - started)
        return rate, _p99(_latencies_ms(server, receiver, engine, sized, tag))

    try:
        # A first, smaller round unmeasured: the empty figures must not pay the warm-up alone.
        measure(
            "warmup",
            replace(sizes, bulk_events=sizes.bulk_events // 10, latency_pairs=min(100, sizes.latency_pairs)),
        )
        empty_rate, empty_p99 = measure("empty")
        org = server.api.organization(history.history_name())
        sub = server.api.subscription(org, f"{receiver.url}/history", max_batch_size=500, max_wait_ms=0)
        server.api.call("PATCH", f"/v1/organizations/{org}/subscriptions/{sub}", {"state": "paused"})
        before = history.used_bytes(engine)
        started = time.perf_counter()
        first, last = history.insert_history_events(engine, org, sizes.history_events)
        history.pass_history(engine, sub, last)
        with_events = history.used_bytes(engine)
        history.insert_history_attempts(engine, sub, first, sizes.history_attempts)
        with_attempts = history.used_bytes(engine)
        made_s = time.perf_counter() - started
        # The history is the past: on disk before the measurement, not flushed by the kernel during it
        # (gigabytes of dirty pages written back would slow every commit's fsync of the figures).
        os.sync()
        full_rate, full_p99 = measure("history")
    finally:
        server.stop()
        engine.dispose()
    past = f"{sizes.history_events:,} past events and {sizes.history_attempts:,} attempts"
    note = f"history written in {made_s:.0f} s; empty: {empty_rate:,.0f} events/s, p99 {empty_p99:.1f} ms"
    return [
        Figure(
            "history_growth_delivery",
            f"delivery events/s with {past} (ratio: to the same database empty)",
            full_rate,
            "events/s",
            "the same, empty",
            empty_rate,
            target_ratio=0.9,
            note=note,
        ),
        Figure(
            "history_growth_latency",
            f"end-to-end latency p99 with {past} (ratio: to the same database empty)",
            full_p99,
            "ms",
            "the same, empty",
            empty_p99,
            # The goal is 0.9 of the empty figures' speed: a p99 at most 1 / 0.9 of the empty one.
            target_max_ratio=round(1 / 0.9, 2),
            note=note,
        ),
        Figure(
            "history_bytes_per_event",
            "bytes stored per event (both payload versions rendered, indexes included)",
            (with_events - before) / sizes.history_events,
            "bytes",
        ),
        Figure(
            "history_bytes_per_attempt",
            f"bytes stored per attempt (its batch of {history.EVENTS_PER_BATCH} events and indexes included)",
            (with_attempts - with_events) / sizes.history_attempts,
            "bytes",
        ),
    ]


def figure_match_latency(postgres_url: str | None, sizes: Sizes) -> list[Figure]:
    """Exact, P1 and P2 lookups with `stored_assets` assets in one organization."""
    scratch = (
        match_latency.postgres_engine(postgres_url) if postgres_url else match_latency.sqlite_engine(None)
    )
    with scratch as engine:
        results = match_latency.warm_p99(engine, sizes.stored_assets, lookups=min(2000, sizes.stored_assets))
    targets = {"exact": 1.0, "P1": 2.0, "P2": 2.0}
    return [
        Figure(
            f"match_p99_{kind.lower()}",
            f"match latency p99, {kind}, {sizes.stored_assets:,} assets",
            p99,
            "ms",
            target_value=targets[kind],
        )
        for kind, p99 in results.items()
    ]


def figure_search_latency(postgres_url: str | None, sizes: Sizes) -> list[Figure]:
    """The console's search (a page and its total) by part of a VIN or name, `stored_assets` assets."""
    scratch = (
        match_latency.postgres_engine(postgres_url) if postgres_url else match_latency.sqlite_engine(None)
    )
    with scratch as engine:
        p99, p50, kinds = search_latency.warm_p99(
            engine, sizes.stored_assets, lookups=min(1000, sizes.stored_assets)
        )
    return [
        Figure(
            "search_p99",
            f"search latency p99 (page and total), {sizes.stored_assets:,} assets",
            p99,
            "ms",
            target_value=50.0,
            note=f"p50 {p50:.1f} ms; by kind: {kinds}",
        )
    ]


class Workers:
    """Separate `pairhub worker` processes (PostgreSQL scale-out)."""

    def __init__(self, database_url: str, workdir: Path, count: int) -> None:
        env = {**os.environ, **server_env(database_url)}
        self.processes = [
            subprocess.Popen(
                [PAIRHUB, "worker"],
                cwd=workdir,
                env=env,
                stdout=(workdir / f"worker-{n}.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
            for n in range(count)
        ]

    def stop(self) -> None:
        """Terminate and wait."""
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)


def reset_postgres(url: str) -> tuple[str, Engine]:
    """A freshly created, migrated `pairhub_bench` database on the server of `url` (never `url`'s own)."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('DROP DATABASE IF EXISTS "pairhub_bench" WITH (FORCE)'))
        connection.execute(text('CREATE DATABASE "pairhub_bench"'))
    admin.dispose()
    bench_url = make_url(url).set(database="pairhub_bench").render_as_string(hide_password=False)
    engine = make_engine(bench_url)
    migrate.upgrade(engine)
    return bench_url, engine


GROUPS = ("delivery", "peer", "pairing", "partial", "latency", "mqtt", "match", "search", "history")
"""Groups of figures `--only` may pick; `pairing` holds auto pairing by exact VINs and ingest; `peer`
holds the unbatched delivery and the Celery peer measured beside it."""


def run_sqlite(
    workdir: Path, sizes: Sizes, only: frozenset[str] = frozenset(GROUPS), profiling: bool = False
) -> list[Figure]:
    """Every figure on SQLite with one `pairhub serve` (API, worker and scheduler in one process)."""
    database_url = f"sqlite:///{workdir / 'bench.db'}"
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    l_commit = limits.l_commit(seconds=sizes.limit_seconds)
    figures = [Figure("L-commit", "L-commit: SQLite commits/s, pairhub's durability", l_commit, "commits/s")]
    l_write = 0.0
    if "pairing" in only or "partial" in only or "mqtt" in only:
        # Auto pairing commits once per request of 1,000 units: its limit is what those rows cost.
        l_write = limits.l_write(seconds=sizes.limit_seconds)
        figures.append(
            Figure(
                "L-write", "L-write: a pairing's rows and indexes, 1,000 per transaction", l_write, "units/s"
            )
        )
    receiver = Receiver()
    server = Server(database_url, workdir)
    if profiling:
        PROFILED.append((server.process.pid, workdir))
    try:
        l_http = limits.l_http(server.base_url, seconds=sizes.limit_seconds)
        figures.append(Figure("L-http", "L-http: pairhub's /healthz", l_http, "requests/s"))
        if "delivery" in only or "peer" in only:
            unbatched = timed(figure_delivery_requests, server, receiver, engine, sizes)
            figures += unbatched
            figures += timed(figure_peer_celery, receiver, engine, workdir, sizes, unbatched)
        if "delivery" in only:
            figures += timed(figure_delivery_events, server, receiver, engine, sizes)
        if "pairing" in only or "mqtt" in only:
            figures += timed(figure_auto_pairing, [server], engine, sizes, l_write)
            figures += timed(figure_ingest, [server], sizes)
        if "partial" in only:
            figures += timed(figure_partial_pairing, server, engine, sizes, l_write)
        if "latency" in only:
            figures += latency_with_workers(workdir, receiver, sizes, profiling)
        if "mqtt" in only:
            figures += timed(run_mqtt, database_url, workdir, sizes)
        if "history" in only:
            figures += timed(figure_history_growth, workdir, receiver, sizes)
        rss = server.peak_rss_mb()
        figures.append(
            Figure(
                "serve_rss",
                f"peak memory of serve ({sizes.stored_assets:,} assets, {sizes.stored_units:,} units stored)",
                rss,
                "MB RSS",
                target_value=300,
            )
        )
    finally:
        PROFILED.clear()
        server.stop()
        receiver.stop()
    if "match" in only:
        figures.extend(timed(figure_match_latency, None, sizes))
    if "search" in only:
        figures.extend(timed(figure_search_latency, None, sizes))
    return figures


def run_mqtt(database_url: str, workdir: Path, sizes: Sizes) -> list[Figure]:
    """The MQTT ingest figure with the units paired by the auto-pairing figure (needs `mosquitto`)."""
    if bench_mqtt.MOSQUITTO is None:
        print("MQTT figures skipped: no mosquitto binary", flush=True)
        return []
    unit_ids = [f"tp:{100_000_000 + n}" for n in range(sizes.paired_units)]
    vins = [setup.vin_for(n) for n in range(sizes.paired_units)]

    def start_server(env: dict[str, str]) -> Server:
        return Server(database_url, workdir, env)

    with bench_mqtt.broker(workdir, free_port()) as port:
        return bench_mqtt.figure_ingest_mqtt(port, start_server, unit_ids, vins, sizes.mqtt_messages)


def run_postgres(url: str, workdir: Path, sizes: Sizes) -> list[Figure]:
    """Delivery with 1 and 2 `pairhub worker` processes, auto pairing with 1 and 2 `serve` processes."""
    figures: list[Figure] = []
    receiver = Receiver()
    try:
        for count in (1, 2):
            bench_url, engine = reset_postgres(url)
            servers = [Server(bench_url, workdir, {"PAIRHUB_SERVE_DELIVERY": "false"}) for _ in range(count)]
            workers = Workers(bench_url, workdir, count)
            try:
                l_http = limits.l_http(servers[0].base_url, seconds=sizes.limit_seconds)
                produced = [
                    Figure("L-http", "L-http: pairhub's /healthz", l_http, "requests/s"),
                    *timed(figure_delivery_requests, servers[0], receiver, engine, sizes),
                    *timed(figure_delivery_events, servers[0], receiver, engine, sizes),
                    *timed(figure_auto_pairing, servers, engine, sizes, None),
                    *timed(figure_ingest, servers, sizes),
                ]
            finally:
                workers.stop()
                for server in servers:
                    server.stop()
                engine.dispose()
            for figure in produced:
                figure.name = f"PostgreSQL, {count} process{'es' if count > 1 else ''}: {figure.name}"
                figure.id = f"pg{count}_{figure.id}"
            figures.extend(produced)
    finally:
        receiver.stop()
    figures.extend(scaling(figures))
    figures.extend(timed(figure_pg_workers, url, workdir, sizes))
    figures.extend(timed(figure_match_latency, url, sizes))
    figures.extend(timed(figure_search_latency, url, sizes))
    return figures


POSTGRES_ONLY = ("match", "search", "workers")
"""Groups `--only` can measure on PostgreSQL: each loads its own scratch database (`workers`: delivery
by 1, 2 and 4 `pairhub worker` processes, with the CPU each role spends per request)."""


def run_postgres_only(url: str, workdir: Path, sizes: Sizes, only: frozenset[str]) -> list[Figure]:
    """The match, search and workers figures on PostgreSQL, named as in the full PostgreSQL report."""
    unsupported = sorted(only - set(POSTGRES_ONLY))
    if unsupported:
        raise SystemExit(f"--only with --postgres measures {' and '.join(POSTGRES_ONLY)}, not {unsupported}")
    figures: list[Figure] = []
    if "match" in only:
        figures.extend(timed(figure_match_latency, url, sizes))
    if "search" in only:
        figures.extend(timed(figure_search_latency, url, sizes))
    if "workers" in only:
        figures.extend(timed(figure_pg_workers, url, workdir, sizes))
    return figures


def figure_pg_workers(url: str, workdir: Path, sizes: Sizes) -> list[Figure]:
    """Delivery to receivers that take 20 ms, by 1, 2 and 4 `pairhub worker` processes sharing the leases."""
    receiver = Receiver()
    rates: dict[int, float] = {}
    shared: dict[int, bool] = {}
    bounds: dict[int, str] = {}
    try:
        for count in (1, 2, 4):
            bench_url, engine = reset_postgres(url)
            server = Server(bench_url, workdir, {"PAIRHUB_SERVE_DELIVERY": "false"})
            workers = Workers(bench_url, workdir, count)
            # What each process spends per request shows whether more workers can help on these cores.
            meter = cpu.CpuMeter(
                {
                    "workers": [process.pid for process in workers.processes],
                    "PostgreSQL": functools.partial(cpu.postgres_pids, engine),
                    "receiver": [receiver.process.pid],
                    "API": [server.process.pid],
                }
            )
            try:
                stats, started, _ = _deliver(
                    server,
                    receiver,
                    engine,
                    "/slow/hook",
                    sizes.delivery_subscriptions,
                    sizes.delivery_events,
                    1,
                    at_start=meter.start,
                )
                bounds[count] = cpu.bound_note(meter.stop(), stats["requests"])
                rates[count] = stats["requests"] / (stats["lastAt"] - started)
                senders = _count(engine, text("SELECT COUNT(DISTINCT worker) FROM attempts"))
                shared[count] = senders == count
            finally:
                workers.stop()
                server.stop()
                engine.dispose()
    finally:
        receiver.stop()
    return [
        Figure(
            "pg_workers_1",
            "PostgreSQL delivery, 1 worker, 20 ms receivers",
            rates[1],
            "requests/s",
            note=bounds[1],
        ),
        *(
            Figure(
                f"pg_workers_{count}",
                f"PostgreSQL delivery, {count} workers, 20 ms receivers (ratio: to 1 worker)",
                rates[count],
                "requests/s",
                "pg_workers_1",
                rates[1],
                note=f"every worker sent attempts: {shared[count]}; {bounds[count]}",
                correct=shared[count],
            )
            for count in (2, 4)
        ),
    ]


def scaling(figures: list[Figure]) -> list[Figure]:
    """How much each PostgreSQL figure gained from a second process (2 processes / 1 process)."""
    one = {
        key: f
        for f in figures
        if f.id.startswith("pg1_") and not (key := f.id.removeprefix("pg1_")).startswith("L-")
    }
    two = {f.id.removeprefix("pg2_"): f for f in figures if f.id.startswith("pg2_")}
    return [
        Figure(
            f"pg_scaling_2_{key}", f"scaling, 2 processes / 1: {one[key].name}", two[key].value / f.value, "x"
        )
        for key, f in one.items()
        if key in two and f.value
    ]


PROFILED: list[tuple[int, Path]] = []
"""(pid, folder) of the serve process to sample with py-spy during each step; empty: no profiles."""


def timed(step: Callable[..., list[Figure]], *args: Any) -> list[Figure]:
    """Run one step, sampled by py-spy when asked, and print what it measured."""
    started = time.perf_counter()
    if PROFILED and profile.available():
        pid, folder = PROFILED[-1]
        with profile.recording(pid, folder / f"{step.__name__}-{pid}.txt", rate=25) as raw:
            produced = step(*args)
        sampled = profile.summarize(raw)
        for figure in produced:
            if not figure.is_limit:
                figure.profile = sampled
    else:
        produced = step(*args)
    took = time.perf_counter() - started
    for figure in produced:
        print(f"{figure.name}: {figure.value:,.2f} {figure.unit} ({took:.1f} s)", flush=True)
    return produced


def main() -> None:
    """Run every figure and write the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL instead of SQLite")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (used by the test suite)")
    parser.add_argument("--out", type=Path, default=ROOT, help="where bench/results and docs/ are written")
    parser.add_argument(
        "--no-profile", action="store_true", help="do not sample the serve process with py-spy (SQLite)"
    )
    parser.add_argument(
        "--only",
        metavar="GROUP",
        action="append",
        choices=(*GROUPS, "workers"),
        help="measure only these groups (repeatable; with --postgres: match, search and workers); the report "
        "files are then left alone",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="stored assets (match and search figures) and the history (history_growth) times this: 0.1 "
        "on a machine too busy for a million",
    )
    args = parser.parse_args()
    sizes = SMOKE if args.smoke else Sizes()
    sizes = replace(
        sizes,
        stored_assets=max(1000, round(sizes.stored_assets * args.scale)),
        history_events=max(1000, round(sizes.history_events * args.scale)),
        history_attempts=max(100, round(sizes.history_attempts * args.scale)),
    )
    command = "make bench" + (f" ARGS='--postgres {args.postgres}'" if args.postgres else "")
    workdir = Path(tempfile.mkdtemp(prefix="pairhub-bench-"))
    try:
        _run(args, sizes, command, workdir)
    except BaseException:
        # The servers' logs stay for a look at what failed; a run that ends well leaves nothing
        # (the history figure alone writes about 13 GB).
        print(f"the run's files are kept in {workdir}", file=sys.stderr)
        raise
    shutil.rmtree(workdir, ignore_errors=True)


def _run(args: argparse.Namespace, sizes: Sizes, command: str, workdir: Path) -> None:
    profiling = not (args.no_profile or args.smoke)
    if args.only:
        only = frozenset(args.only)
        if args.postgres:
            figures = run_postgres_only(args.postgres, workdir, sizes, only)
        elif "workers" in only:
            raise SystemExit("--only workers measures PostgreSQL's worker processes: give --postgres URL")
        else:
            figures = run_sqlite(workdir, sizes, only, profiling)
        for figure in figures:
            print(json.dumps(figure.as_json()), flush=True)
            if figure.profile is not None:
                print("\n".join(figure.profile.markdown()), flush=True)
        return
    if args.postgres:
        figures = run_postgres(args.postgres, workdir, sizes)
    else:
        figures = run_sqlite(workdir, sizes, profiling=profiling)
    suffix = "-postgres" if args.postgres else ""
    json_path = args.out / "bench" / "results" / f"latest{suffix}.json"
    write(figures, machine.describe(), command, json_path, args.out / "docs" / f"performance{suffix}.md")
    print(f"wrote {json_path}")


if __name__ == "__main__":
    main()
