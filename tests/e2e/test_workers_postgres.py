"""Scale-out on PostgreSQL: three `pairhub worker` processes share the subscriptions through leases.

Each batch is sent by one worker only; when a worker is SIGKILLed, the others take its subscriptions over
once its leases expire, and only the batches it had in flight may arrive twice (with the same bytes).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from pairhub import bootstrap
from pairhub.adapters.sql.tables import attempts
from pairhub.bootstrap import Container
from tests.conftest import SECRET_KEY, _truncate_postgres, make_settings
from tests.delivery_support import Received, Receiver, Reply

PAIRHUB = str(Path(sys.executable).with_name("pairhub"))
SUBSCRIPTIONS = 6
UNITS = 240
CONCURRENCY = 2


@pytest.fixture
def pg_container(postgres_database: str) -> Iterator[Container]:
    """A container on an emptied PostgreSQL test database (skipped when PostgreSQL is unreachable)."""
    _truncate_postgres(postgres_database)
    built = bootstrap.build(make_settings(postgres_database))
    yield built
    built.close()


def start_worker(database_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PAIRHUB_DATABASE_URL": database_url,
        "PAIRHUB_SECRET_KEY": SECRET_KEY,
        "PAIRHUB_ADMIN_TOKEN": "workers-admin",
        "PAIRHUB_ALLOW_PRIVATE_WEBHOOK_TARGETS": "true",
        "PAIRHUB_ALLOW_INSECURE_WEBHOOKS": "true",
        "PAIRHUB_DELIVERY_TIMEOUT": "1",
        "PAIRHUB_DELIVERY_LEASE": "2",
        "PAIRHUB_DELIVERY_POLL_INTERVAL": "0.05",
        "PAIRHUB_DELIVERY_CONCURRENCY": str(CONCURRENCY),
        "PAIRHUB_LOG_FORMAT": "json",
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [PAIRHUB, "worker"], env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def events_received(requests: list[Received]) -> int:
    return sum(len(json.loads(r.body)["eventsData"]) for r in {r.batch_id: r for r in requests}.values())


def senders_by_batch(container: Container) -> dict[str, set[str]]:
    with container.database.read() as connection:
        rows = connection.execute(select(attempts.c.batch_id, attempts.c.worker)).all()
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        found[row.batch_id].add(row.worker)
    return found


@pytest.mark.slow
@pytest.mark.postgres
def test_three_workers_share_delivery_and_survive_a_killed_one(
    pg_container: Container, tmp_path: Path
) -> None:
    container = pg_container
    database_url = container.settings.database_url
    org = container.organizations.create("Scale Fleet", False, True)
    asset = container.assets.create(org.id, None, "Trailer").asset.id
    units = [f"scale:{n:04d}" for n in range(UNITS)]
    for unit in units:
        container.units.provision(org.id, unit)
    with Receiver() as receiver:
        receiver.answer = lambda n: Reply(200, delay=0.01)
        for number in range(SUBSCRIPTIONS):
            container.subscriptions.create(
                org.id,
                url=receiver.url(f"/sub{number}"),
                event_version=1,
                names=["unit.paired", "unit.unpaired"],
                max_batch_size=8,
                max_wait_ms=20,
            )
        workers = [start_worker(database_url, tmp_path / f"worker{n}.log") for n in range(3)]
        try:
            for unit in units:
                container.pairing.pair(org.id, unit, asset)
            first_round = SUBSCRIPTIONS * UNITS
            assert receiver.wait_until(lambda seen: events_received(seen) >= first_round, 90)
            phase_one = receiver.requests()

            for unit in units:
                container.pairing.unpair(org.id, unit)
            assert receiver.wait_until(lambda seen: len(seen) >= len(phase_one) + 10, 60)
            victim = workers[0]
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait()
            everything = 2 * first_round
            assert receiver.wait_until(lambda seen: events_received(seen) >= everything, 90)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(timeout=30)
        requests = receiver.requests()

    phase_one_counts = Counter(r.batch_id for r in phase_one)
    assert set(phase_one_counts.values()) == {1}, "a batch was sent twice without any lease expiring"
    senders = senders_by_batch(container)
    phase_one_senders = {batch_id: senders[batch_id] for batch_id in phase_one_counts}
    assert all(len(workers_of) == 1 for workers_of in phase_one_senders.values())
    assert len(set().union(*phase_one_senders.values())) >= 2, "the work was not shared"

    counts = Counter(r.batch_id for r in requests)
    twice = [batch_id for batch_id, count in counts.items() if count > 1]
    # Only what the killed worker had in flight (one batch per leased subscription) may come again.
    assert len(twice) <= CONCURRENCY
    bodies: dict[str, set[bytes]] = defaultdict(set)
    for request in requests:
        bodies[request.batch_id].add(request.body)
    assert all(len(distinct) == 1 for distinct in bodies.values())
    by_process = Counter(next(iter(w)).split(":")[1] for w in senders.values())
    print(
        f"\nworkers test: {len(counts)} batches, {len(requests)} requests, "
        f"{len(twice)} resent after the kill, batches per worker process: {dict(by_process)}"
    )
