"""Latency of the auto-pairing VIN lookups with a million assets in one organization.

Run by hand (not part of `make test`):

    .venv/bin/python bench/match_latency.py                      # SQLite, 1,000,000 assets
    .venv/bin/python bench/match_latency.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/match_latency.py --assets 5000 --lookups 200   # a quick smoke run

For PostgreSQL a scratch database is created next to the one in the URL and dropped afterwards.
Each lookup is the whole `match` an attempt runs, one statement: exact and P2 (a search of the
serial index, which holds the exact VIN and the ones a typo away) and P1 (a range on the reversed VIN).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

from pairhub.adapters.sql import matching, migrate
from pairhub.adapters.sql.assets import SqlAssets
from pairhub.adapters.sql.engine import make_engine
from pairhub.adapters.sql.search import SQLITE_ASSET_SEARCH_DDL, SQLITE_ASSET_SEARCH_DROP
from pairhub.adapters.sql.tables import assets, organizations
from pairhub.domain import vin as vins
from pairhub.domain.vin import MatchKind
from pairhub.services.auto_pairing.resolve import match

ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
CHUNK = 20_000
UNIQUE_VIN = "uq_assets_organization_id_vin"
COLUMNS = ("id", "organization_id", "vin", "vin_reversed", "vin_serial", "name", "created_at", "updated_at")


def fleet_vins(count: int, seed: int) -> list[str]:
    """Distinct, plausible VINs: a few hundred manufacturers, numeric serials (which repeat across them)."""
    rng = random.Random(seed)
    manufacturers = ["".join(rng.choices(LETTERS, k=3)) for _ in range(300)]
    seen: set[str] = set()
    while len(seen) < count:
        descriptor = "".join(rng.choices(ALPHABET, k=8))
        serial = f"{rng.randrange(1_000_000):06d}"
        seen.add(rng.choice(manufacturers) + descriptor + serial)
    result = sorted(seen)
    rng.shuffle(result)
    return result


def asset_rows(organization_id: str, fleet: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Rows for the assets table, derived columns included."""
    for number, vin in enumerate(fleet):
        yield {
            "id": str(uuid.uuid4()),
            "organization_id": organization_id,
            "vin": vin,
            "vin_reversed": vins.reversed_vin(vin),
            "vin_serial": vins.serial_part(vin),
            "name": f"Trailer {number:07d}",
            "created_at": 0,
            "updated_at": 0,
        }


def load(engine: Engine, fleet: Sequence[str]) -> str:
    """Insert one organization and its fleet as fast as the backend allows; returns the organization id.

    The VIN indexes are dropped during the load and built afterwards (sorting once is much faster than
    a million random B-tree inserts); they are the very indexes of the schema, rebuilt from `tables`.
    """
    organization_id = str(uuid.uuid4())
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if not postgres:
            # The search index is rebuilt once after the load, as the VIN indexes are.
            for statement in SQLITE_ASSET_SEARCH_DROP:
                connection.exec_driver_sql(statement)
        for index in assets.indexes:
            index.drop(connection)
        if postgres:
            connection.execute(text(f"ALTER TABLE assets DROP CONSTRAINT {UNIQUE_VIN}"))
        connection.execute(
            insert(organizations),
            {
                "id": organization_id,
                "name": "Benchmark fleet",
                "auto_pairing_enabled": True,
                "datahub_subscription_active": True,
                "created_at": 0,
            },
        )
        if postgres:
            _copy(connection, organization_id, fleet)
            connection.execute(
                text(f"ALTER TABLE assets ADD CONSTRAINT {UNIQUE_VIN} UNIQUE (organization_id, vin)")
            )
        else:
            # The driver's executemany with tuples: SQLAlchemy's per-row processing would dominate.
            sql = f"INSERT INTO assets ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            rows = (tuple(row[column] for column in COLUMNS) for row in asset_rows(organization_id, fleet))
            while chunk := list(itertools.islice(rows, CHUNK)):
                cursor.executemany(sql, chunk)
        for index in assets.indexes:
            index.create(connection)
        if not postgres:
            for statement in SQLITE_ASSET_SEARCH_DDL:
                connection.exec_driver_sql(statement)
        connection.execute(text("ANALYZE"))
    if not postgres:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return organization_id


def _copy(connection: Connection, organization_id: str, fleet: Sequence[str]) -> None:
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY assets ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in asset_rows(organization_id, fleet):
            copy.write_row([row[column] for column in COLUMNS])


def one_typo(vin: str, rng: random.Random) -> str:
    """The VIN with one character before the serial replaced."""
    position = rng.randrange(vins.SERIAL_START)
    replacement = rng.choice([c for c in ALPHABET if c != vin[position]])
    return vin[:position] + replacement + vin[position + 1 :]


def measure(
    connection: Connection, organization_id: str, sensors: Sequence[str]
) -> tuple[list[float], dict[MatchKind, int]]:
    """Milliseconds of `match` per sensor VIN, and how the matches came out."""
    timings: list[float] = []
    outcomes: dict[MatchKind, int] = {}
    for sensor in sensors:
        started = time.perf_counter()
        result = match(SqlAssets(connection), organization_id, sensor)
        timings.append((time.perf_counter() - started) * 1000)
        outcomes[result.kind] = outcomes.get(result.kind, 0) + 1
    return timings, outcomes


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def plan(connection: Connection, query: Any) -> str:
    """The backend's query plan of a lookup, one line."""
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if connection.dialect.name == "sqlite" else "EXPLAIN "
    rows = connection.exec_driver_sql(prefix + sql).all()
    return " | ".join(str(row[-1]).strip() for row in rows)


def lookup_kinds(fleet: Sequence[str], lookups: int, seed: int) -> dict[str, list[str]]:
    """Sensor VINs to look up: exact hits, truncated tails (P1) and one-typo VINs (P2)."""
    rng = random.Random(seed + 1)
    sample = rng.sample(list(fleet), min(lookups, len(fleet)))
    return {
        "exact": sample,
        "P1 (8-12 char tail)": [vin[-rng.randint(8, 12) :] for vin in sample],
        "P2 (one typo)": [one_typo(vin, rng) for vin in sample],
    }


def warm_p99(engine: Engine, count: int, lookups: int = 2000, seed: int = 7) -> dict[str, float]:
    """p99 in ms of each kind of lookup with index pages cached (the benchmark report's figure)."""
    fleet = fleet_vins(count, seed)
    organization_id = load(engine, fleet)
    result: dict[str, float] = {}
    with engine.connect() as connection:
        for name, sensors in lookup_kinds(fleet, lookups, seed).items():
            measure(connection, organization_id, sensors)
            timings, _ = measure(connection, organization_id, sensors)
            result[name.split()[0]] = percentile(timings, 0.99)
    return result


def run(engine: Engine, label: str, count: int, lookups: int, seed: int, out: Callable[[str], None]) -> None:
    """Load the fleet and report p50/p99 of each kind of lookup."""
    fleet = fleet_vins(count, seed)
    started = time.perf_counter()
    organization_id = load(engine, fleet)
    out(f"{label}: loaded {count:,} assets in {time.perf_counter() - started:.1f} s")
    kinds = lookup_kinds(fleet, lookups, seed)
    sample = kinds["exact"]
    with engine.connect() as connection:
        # First pass: index pages may still be on disk. Second pass: the same lookups, pages cached,
        # as in a busy service whose indexes stay in memory.
        out(f"{'lookup':<22}{'pass':<6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}  outcomes")
        for name, sensors in kinds.items():
            for label_ in ("cold", "warm"):
                timings, outcomes = measure(connection, organization_id, sensors)
                summary = ", ".join(f"{kind.value} {n}" for kind, n in sorted(outcomes.items()))
                out(
                    f"{name:<22}{label_:<6}{statistics.median(timings):>9.3f}"
                    f"{percentile(timings, 0.99):>9.3f}{max(timings):>9.3f}  {summary}"
                )
        probe = sample[0]
        for name, query in (
            ("exact", matching.exact_query(organization_id, [probe])),
            ("P1", matching.ranges_query(organization_id, [probe[-10:]])),
            ("P2", matching.serials_query(organization_id, [probe])),
        ):
            out(f"plan {name}: {plan(connection, query)}")


@contextmanager
def sqlite_engine(path: str | None) -> Iterator[Engine]:
    """A migrated SQLite database (a temporary file unless a path is given)."""
    with tempfile.TemporaryDirectory(prefix="pairhub-bench-") as directory:
        target = Path(path) if path else Path(directory) / "bench.db"
        if target.exists():
            target.unlink()
        engine = make_engine(f"sqlite:///{target}")
        migrate.upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()


@contextmanager
def postgres_engine(url: str) -> Iterator[Engine]:
    """A migrated scratch PostgreSQL database on the server of `url`, dropped afterwards."""
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    name = f"pairhub_bench_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(url).set(database=name).render_as_string(hide_password=False))
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run the benchmark on SQLite and, when asked, PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--assets", type=int, default=1_000_000, help="assets in the organization")
    parser.add_argument("--lookups", type=int, default=2000, help="lookups of each kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--sqlite", metavar="PATH", help="keep the SQLite database at PATH")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args(argv)

    def out(line: str) -> None:
        print(line, flush=True)

    if not args.skip_sqlite:
        with sqlite_engine(args.sqlite) as engine:
            run(engine, "SQLite", args.assets, args.lookups, args.seed, out)
    if args.postgres:
        with postgres_engine(args.postgres) as engine:
            run(engine, "PostgreSQL", args.assets, args.lookups, args.seed, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
