"""Latency of the console's search with a million assets in one organization.

Run by hand (not part of `make test`), or as the `search` group of `make bench`:

    .venv/bin/python -m bench.search_latency                      # SQLite, 1,000,000 assets
    .venv/bin/python -m bench.search_latency --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m bench.search_latency --assets 20000 --lookups 200   # a quick smoke run

Each search is what the assets page runs for a typed fragment: the first page (51 rows, by id) and the
total that matches (counted up to 5,000, as the page shows it), with a fragment of a VIN (5 to 10
characters, in lower case) or of a name. The figure is the p99 of that mix; common fragments (found in
most assets) and short ones (one or two characters, below the trigram indexes) are timed beside it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence

from sqlalchemy import Connection, Engine

from bench.match_latency import fleet_vins, load, percentile, postgres_engine, sqlite_engine
from pairhub.adapters.sql.assets import SqlAssets
from pairhub.entrypoints.ui.listing import SEARCH_TOTAL_MOST

PAGE = 51
COMMON = ("trailer", "railer 0", "r 0", "000")
"""Fragments found in 17,000 to all of a million assets: the page walks in order, the total stops."""
SHORT = ("a", "7", "00", "zq")
"""One or two characters: no trigram to look up, so a scan (that stops early unless the fragment is rare)."""


def fragments(fleet: Sequence[str], lookups: int, seed: int) -> list[str]:
    """Parts of VINs and names the way people type them: lower case, from anywhere in the value."""
    return [part for _, part in kinds(fleet, lookups, seed)]


def kinds(fleet: Sequence[str], lookups: int, seed: int) -> list[tuple[str, str]]:
    """(kind, fragment) of `fragments`: "VIN" or "name"."""
    rng = random.Random(seed + 2)
    found = []
    for index in rng.sample(range(len(fleet)), min(lookups, len(fleet))):
        if rng.random() < 0.5:
            kind, value, size = "VIN", fleet[index].lower(), rng.randint(5, 10)
        else:
            kind, value, size = "name", f"trailer {index:07d}", rng.randint(5, 7)
            value = value[len(value) - size - rng.randint(0, 2) :]
        start = rng.randrange(len(value) - size + 1)
        found.append((kind, value[start : start + size]))
    return found


def measure(
    connection: Connection, organization_id: str, parts: Sequence[str], found: bool = True
) -> list[float]:
    """Milliseconds of one page plus its total per fragment; when `found`, every fragment finds its asset."""
    repository = SqlAssets(connection)
    timings = []
    for part in parts:
        started = time.perf_counter()
        page = repository.search(organization_id, None, None, part, None, PAGE)
        total = repository.count(organization_id, None, part, SEARCH_TOTAL_MOST)
        timings.append((time.perf_counter() - started) * 1000)
        assert total >= len(page) and (page or not found), part
    return timings


def by_kind(
    connection: Connection, organization_id: str, fleet: Sequence[str], lookups: int, seed: int
) -> dict[str, list[float]]:
    """Warm timings (ms) per kind of fragment: VIN and name parts, common ones, short ones."""
    mixed = kinds(fleet, lookups, seed)
    result: dict[str, list[float]] = {}
    for kind in ("VIN", "name"):
        parts = [part for kind_, part in mixed if kind_ == kind]
        measure(connection, organization_id, parts)
        result[kind] = measure(connection, organization_id, parts)
    for kind, parts_ in (("common", COMMON), ("short", SHORT)):
        measure(connection, organization_id, parts_, found=False)
        result[kind] = measure(connection, organization_id, parts_, found=False)
    return result


def summary(timings: dict[str, list[float]]) -> str:
    """ "kind p50/p99 ms" for each kind, one line."""
    return "; ".join(
        f"{kind} p50 {percentile(values, 0.5):.1f} / p99 {percentile(values, 0.99):.1f} ms"
        for kind, values in timings.items()
    )


SCAN = (
    "SELECT id FROM assets WHERE organization_id = ? AND (vin LIKE ? ESCAPE '/' OR name LIKE ? ESCAPE '/') "
    "ORDER BY id LIMIT 51"
)
SCAN_COUNT = (
    "SELECT count(*) FROM assets "
    "WHERE organization_id = ? AND (vin LIKE ? ESCAPE '/' OR name LIKE ? ESCAPE '/')"
)


def measure_scan(connection: Connection, organization_id: str, parts: Sequence[str]) -> list[float]:
    """The same searches without the index (what the query cost before it), for the ratio in one run."""
    timings = []
    for part in parts:
        pattern = "%" + part.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
        started = time.perf_counter()
        connection.exec_driver_sql(SCAN, (organization_id, pattern.upper(), pattern)).all()
        connection.exec_driver_sql(SCAN_COUNT, (organization_id, pattern.upper(), pattern)).scalar()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def warm_p99(engine: Engine, count: int, lookups: int = 1000, seed: int = 7) -> tuple[float, float, str]:
    """p99 and p50 in ms of a search with the index pages cached (the report's figure), and per kind."""
    fleet = fleet_vins(count, seed)
    organization_id = load(engine, fleet)
    parts = fragments(fleet, lookups, seed)
    with engine.connect() as connection:
        measure(connection, organization_id, parts)
        timings = measure(connection, organization_id, parts)
        kinds_ = summary(by_kind(connection, organization_id, fleet, lookups, seed))
    return percentile(timings, 0.99), percentile(timings, 0.5), kinds_


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and print the p50/p99 of searches on SQLite and, when asked, PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--assets", type=int, default=1_000_000, help="assets in the organization")
    parser.add_argument("--lookups", type=int, default=1000, help="searches")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", metavar="URL", help="run on this PostgreSQL server instead of SQLite")
    args = parser.parse_args(argv)
    scratch = postgres_engine(args.postgres) if args.postgres else sqlite_engine(None)
    with scratch as engine:
        started = time.perf_counter()
        fleet = fleet_vins(args.assets, args.seed)
        organization_id = load(engine, fleet)
        print(f"loaded {args.assets:,} assets in {time.perf_counter() - started:.1f} s", flush=True)
        parts = fragments(fleet, args.lookups, args.seed)
        with engine.connect() as connection:
            for label in ("cold", "warm"):
                timings = sorted(measure(connection, organization_id, parts))
                p50, p99 = percentile(timings, 0.5), percentile(timings, 0.99)
                print(
                    f"{label}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {timings[-1]:.2f} ms "
                    f"over {len(timings)} searches",
                    flush=True,
                )
            print(summary(by_kind(connection, organization_id, fleet, args.lookups, args.seed)), flush=True)
            if engine.dialect.name == "sqlite":
                sample = parts[:50]
                indexed = sorted(measure(connection, organization_id, sample))
                scanned = sorted(measure_scan(connection, organization_id, sample))
                print(
                    f"same run, {len(sample)} searches: indexed p50 {percentile(indexed, 0.5):.2f} ms, "
                    f"scan p50 {percentile(scanned, 0.5):.2f} ms "
                    f"({percentile(scanned, 0.5) / max(percentile(indexed, 0.5), 0.001):.0f}x)",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
