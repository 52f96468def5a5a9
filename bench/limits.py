"""The machine's own limits, measured in the same run: L-post(-batch), L-commit, L-http, L-ingest, L-rtt."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import aiohttp

from pairhub.adapters.sql.engine import SQLITE_PRAGMAS

ROOT = Path(__file__).resolve().parents[1]


async def _post_loop(url: str, body: bytes, seconds: float, concurrency: int) -> float:
    deadline = time.perf_counter() + seconds
    done = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
                    await r.read()
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - started)


def l_post(url: str, body_size: int, seconds: float = 3.0, concurrency: int = 32) -> float:
    """Requests/s of a bare aiohttp loop posting `body_size` bytes, `concurrency` requests in flight."""
    body = b'{"eventType":' + b"x" * max(0, body_size - 14) + b"}"
    return asyncio.run(_post_loop(url, body, seconds, concurrency))


def l_post_batch(url: str, body: bytes, seconds: float = 3.0, concurrency: int = 32) -> float:
    """Requests/s of the bare aiohttp loop posting this very batch body to the receiver."""
    return asyncio.run(_post_loop(url, body, seconds, concurrency))


@contextmanager
def bare_server(mode: str, *extra: str) -> Iterator[str]:
    """A `bench.bare` endpoint in its own process (as `serve` is); yields its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.bare", mode, "--port", str(port), *extra], cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def l_ingest(body: bytes, seconds: float = 3.0, concurrency: int = 4) -> float:
    """Requests/s of a bare uvicorn endpoint that parses this body with orjson and answers 202."""
    with bare_server("ingest") as url:
        return asyncio.run(_post_loop(url, body, seconds, concurrency))


async def _paced(
    url: str, bodies: list[bytes], rate: float, headers: dict[str, str] | None
) -> list[tuple[float, float]]:
    sent: list[tuple[float, float]] = []
    async with aiohttp.ClientSession(headers=headers) as session:
        next_at = time.perf_counter()
        for body in bodies:
            while time.perf_counter() < next_at:
                await asyncio.sleep(0.0005)
            at, started = time.time(), time.perf_counter()
            async with session.post(url, data=body) as response:
                await response.read()
                response.raise_for_status()
            sent.append((at, (time.perf_counter() - started) * 1000))
            next_at += 1 / rate
    return sent


def paced_posts(
    url: str, bodies: list[bytes], rate: float, headers: dict[str, str] | None = None
) -> list[tuple[float, float]]:
    """POST the bodies in order at `rate` per second on one keep-alive session (as the limit's client
    does); the wall-clock time each was sent and its round trip in ms."""
    return asyncio.run(_paced(url, bodies, rate, headers))


def l_rtt(receiver_url: str, count: int, rate: float) -> float:
    """p99 ms of a bare request that commits one row (pairhub's durability) and then POSTs to the receiver."""
    with tempfile.TemporaryDirectory() as directory:
        database = str(Path(directory) / "rtt.db")
        with bare_server("rtt", "--database", database, "--receiver", receiver_url) as url:
            latencies = sorted(
                ms for _, ms in paced_posts(url, [f"u{n}".encode() for n in range(count)], rate)
            )
    return latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]


async def _get_loop(url: str, seconds: float, concurrency: int) -> float:
    deadline = time.perf_counter() + seconds
    done = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                async with session.get(url) as r:
                    await r.read()
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - started)


def l_http(base_url: str, seconds: float = 3.0, concurrency: int = 32) -> float:
    """Requests/s of pairhub's empty endpoint (`/healthz`) on its own ASGI stack."""
    return asyncio.run(_get_loop(f"{base_url}/healthz", seconds, concurrency))


def l_commit(seconds: float = 2.0) -> float:
    """SQLite commits/s with pairhub's durability settings, one small row per commit."""
    with tempfile.TemporaryDirectory() as directory:
        connection = sqlite3.connect(Path(directory) / "commit.db", isolation_level=None)
        for pragma in SQLITE_PRAGMAS:
            connection.execute(pragma)
        connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO t (v) VALUES ('x')")
            connection.execute("COMMIT")
            done += 1
        rate = done / (time.perf_counter() - started)
        connection.close()
        return rate


def l_write(
    seconds: float = 3.0, units_per_transaction: int = 1000, without: Sequence[str] = (), rounds: int = 150
) -> float:
    """Units/s a bare loop writes with what a pairing writes, one transaction per 1,000 units.

    Per unit: the UPDATE that pairs an unpaired unit (the columns an exact pairing changes; each
    transaction pairs 1,000 units not paired before, as pairhub does, so the row grows and its index
    entries move: rewriting the same rows with the values they hold would cost less), a pairing
    history row, an event row (with its rendered payloads), a diagnosis row and the audit entry the
    system writes for an auto pairing (section 4 of the specification), on pairhub's migrated schema
    (so with exactly its indexes), through the sqlite3 driver and pairhub's durability pragmas; the rows
    are built before the clock starts, so nothing but the writes is timed. `without` names indexes to
    drop first: what each index costs a pairing.
    """
    # Imported here: the other limits need nothing of pairhub's schema.
    from bench import setup
    from pairhub.adapters.sql import migrate
    from pairhub.adapters.sql.engine import make_engine
    from pairhub.adapters.sql.events import RENDERED_COLUMNS, rendered_columns
    from pairhub.domain import events
    from pairhub.domain.events import Location

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "write.db"
        engine = make_engine(f"sqlite:///{path}")
        migrate.upgrade(engine)
        organization_id = "00000000-0000-0000-0000-00000000000a"
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO organizations (id, name, auto_pairing_enabled, datahub_subscription_active,"
                " created_at) VALUES (?, 'L-write', 1, 1, 0)",
                (organization_id,),
            )
        asset_ids = setup.insert_assets(engine, organization_id, units_per_transaction)
        all_unit_ids = [f"lw:{n}" for n in range(units_per_transaction * rounds)]
        setup.insert_units(engine, organization_id, all_unit_ids)
        unit_ids = all_unit_ids[:units_per_transaction]
        engine.dispose()
        here = Location(50.869, 2.8942)
        vins = [setup.vin_for(n) for n in range(units_per_transaction)]
        unit_rows_per_round = [
            [
                (vin, vin, asset_id, 1, "paired", 1, vin, vin, here.latitude, here.longitude, unit_id)
                for unit_id, asset_id, vin in zip(
                    all_unit_ids[start : start + units_per_transaction], asset_ids, vins, strict=True
                )
            ]
            for start in range(0, len(all_unit_ids), units_per_transaction)
        ]
        unit_rows = unit_rows_per_round[0]
        history_rows = [
            (organization_id, unit_id, asset_id, 1, "AutoPair", "auto")
            for unit_id, asset_id in zip(unit_ids, asset_ids, strict=True)
        ]
        event_rows = []
        for unit_id, asset_id, vin in zip(unit_ids, asset_ids, vins, strict=True):
            event = events.auto_pair(organization_id, unit_id, asset_id, vin, vin, here, 1)
            rendered = tuple(rendered_columns(event).values())
            event_rows.append(
                (
                    *(organization_id, "unit.paired", "AutoPair", unit_id, asset_id, vin, vin, None),
                    *(here.latitude, here.longitude, 1, *rendered),
                )
            )
        diagnosis_rows = [
            (
                *(organization_id, unit_id, 1, "AutoPair", "exact", vin, vin, "[]", None),
                *(f'[["{asset_id}","{vin}","exact",null]]', 1, asset_id),
            )
            for unit_id, asset_id, vin in zip(unit_ids, asset_ids, vins, strict=True)
        ]
        audit_rows = [
            (
                *(organization_id, 1, "system", None, "auto pairing", "pairing.created", "unit", unit_id),
                f'{{"assetId":[null,"{asset_id}"]}}',
            )
            for unit_id, asset_id in zip(unit_ids, asset_ids, strict=True)
        ]
        rendered_names = ", ".join(RENDERED_COLUMNS)
        statements = (
            (
                "UPDATE units SET ap_vin = ?, ap_sensor_vin = ?, asset_id = ?, paired_at = ?, ap_state = ?,"
                " last_seen_at = ?, last_vin_raw = ?, last_vin = ?, last_latitude = ?, last_longitude = ?"
                " WHERE id = ?",
                unit_rows,
            ),
            (
                "INSERT INTO pairings (organization_id, unit_id, asset_id, paired_at, paired_by, paired_via)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                history_rows,
            ),
            (
                "INSERT INTO events (organization_id, event_type, reason, unit_id, asset_id, asset_vin,"
                " sensor_vin, candidate_asset_ids, latitude, longitude, registered_at, "
                + rendered_names
                + ") VALUES ("
                + ", ".join("?" * len(event_rows[0]))
                + ")",
                event_rows,
            ),
            (
                "INSERT INTO pairing_diagnoses (organization_id, unit_id, at, outcome, rule, raw_vin,"
                " normalized_vin, removed, invalid_reason, candidates, check_digit_valid, asset_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                diagnosis_rows,
            ),
            (
                "INSERT INTO audit_log (organization_id, at, actor_type, actor_id, actor_name, action,"
                " target_type, target_id, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                audit_rows,
            ),
        )
        connection = sqlite3.connect(path, isolation_level=None)
        for pragma in SQLITE_PRAGMAS:
            connection.execute(pragma)
        for index in without:
            connection.execute(f"DROP INDEX {index}")
        done = 0
        started = time.perf_counter()
        # A machine fast enough to pair every provisioned unit stops early: the rate stays the rate.
        for unit_rows in unit_rows_per_round:
            if time.perf_counter() - started >= seconds:
                break
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(statements[0][0], unit_rows)
            for statement, rows in statements[1:]:
                connection.executemany(statement, rows)
            connection.execute("COMMIT")
            done += units_per_transaction
        rate = done / (time.perf_counter() - started)
        connection.close()
        return rate
