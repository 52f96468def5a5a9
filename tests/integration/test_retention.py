"""Retention on SQLite and PostgreSQL with a manual clock: past the horizon goes, nothing owed does."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, insert, select
from typer.testing import CliRunner

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.sql.retention import SqlPruner
from pairhub.adapters.sql.tables import (
    attempts,
    events,
    idempotency_keys,
    invitations,
    metadata,
    pairing_diagnoses,
    ui_sessions,
)
from pairhub.bootstrap import Container
from pairhub.entrypoints.cli import app as cli
from tests.conftest import SECRET_KEY
from tests.delivery_support import Receiver, drain
from tests.support import PASSWORD, Api

DAY_MS = 86_400_000


def pruned(table: str) -> float:
    """The value of pairhub_pruned_rows_total for `table`."""
    return REGISTRY.get_sample_value("pairhub_pruned_rows_total", {"table": table}) or 0.0


def count(container: Container, table: object, *where: object) -> int:
    """Rows of a table (matching `where`)."""
    statement = select(func.count()).select_from(table).where(*where)  # type: ignore[arg-type]
    with container.database.read() as connection:
        return int(connection.execute(statement).scalar_one())


def paired_event(container: Container, organization_id: str, unit_id: str, vin: str) -> None:
    """Provision a unit and pair it manually with a new asset: one `unit.paired` event."""
    asset = container.assets.create(organization_id, vin, None)
    container.units.provision(organization_id, unit_id)
    container.pairing.pair(organization_id, unit_id, asset.asset.id)


def test_retention_keeps_what_is_owed_and_prunes_the_rest(
    container: Container, clock: ManualClock, receiver: Receiver
) -> None:
    delivered = container.organizations.create("Delivered", False, True)
    container.subscriptions.create(
        delivered.id, url=receiver.url(), event_version=2, names=["unit.paired"], max_wait_ms=0
    )
    polled = container.organizations.create("Feed reader", False, True)
    container.feeds.create(polled.id, 2, ["unit.paired"])
    paired_event(container, delivered.id, "tp:old", "1HGCM82633A000001")
    paired_event(container, polled.id, "tp:unread", "1HGCM82633A000002")
    assert asyncio.run(drain(container.delivery_worker)) == 1
    with container.database.write() as connection:
        for n in range(25):
            connection.execute(insert(pairing_diagnoses).values(_diagnosis(delivered.id, "tp:chatty", n)))
        for n in range(3):
            connection.execute(insert(pairing_diagnoses).values(_diagnosis(delivered.id, "tp:quiet", n)))
        now = clock.now_ms()
        connection.execute(insert(ui_sessions).values(_session("expired", now + DAY_MS)))
        connection.execute(insert(ui_sessions).values(_session("current", now + 100 * DAY_MS)))
    events_before = pruned("events")

    clock.advance(91 * DAY_MS / 1000)
    paired_event(container, delivered.id, "tp:new", "1HGCM82633A000003")
    removed = asyncio.run(container.retention.run())

    # The delivered old event went; the new one (not yet sent) and the unread feed's one stayed.
    assert count(container, events) == 2
    assert count(container, events, events.c.unit_id == "tp:old") == 0
    assert count(container, events, events.c.unit_id == "tp:unread") == 1
    assert count(container, attempts) == 0
    assert count(container, pairing_diagnoses, pairing_diagnoses.c.unit_id == "tp:chatty") == 20
    assert count(container, pairing_diagnoses, pairing_diagnoses.c.unit_id == "tp:quiet") == 3
    with container.database.read() as connection:
        kept = connection.execute(
            select(func.min(pairing_diagnoses.c.at)).where(pairing_diagnoses.c.unit_id == "tp:chatty")
        ).scalar_one()
    assert kept == 5, "the newest 20 diagnoses stay"
    assert count(container, ui_sessions) == 1, removed
    assert {table: removed[table] for table in ("attempts", "events", "batches", "pairing_diagnoses")} == {
        "attempts": 1,
        "events": 1,
        "batches": 1,
        "pairing_diagnoses": 5,
    }
    assert removed["ui_sessions"] == 1
    assert pruned("events") == events_before + 1
    # The new event is still delivered after the job ran.
    assert asyncio.run(drain(container.delivery_worker)) == 1


def test_delivery_goes_on_while_the_job_deletes_in_small_batches(
    container: Container, clock: ManualClock, receiver: Receiver
) -> None:
    org = container.organizations.create("Busy", False, True)
    container.subscriptions.create(
        org.id, url=receiver.url(), event_version=2, names=["unit.paired"], max_wait_ms=0
    )
    with container.database.write() as connection:
        connection.execute(
            insert(pairing_diagnoses), [_diagnosis(org.id, "tp:chatty", n) for n in range(300)]
        )
    paired_event(container, org.id, "tp:1", "1HGCM82633A000001")
    small = type(container.retention.policy)(**{**container.retention.policy.__dict__, "batch": 7})
    container.retention.policy = small

    async def both() -> tuple[dict[str, int], int]:
        return await asyncio.gather(container.retention.run(), drain(container.delivery_worker))

    removed, delivered = asyncio.run(both())

    assert delivered == 1 and len(receiver.bodies()) == 1
    assert removed["pairing_diagnoses"] == 280
    assert count(container, pairing_diagnoses) == 20


def _diagnosis(organization_id: str, unit_id: str, n: int) -> dict[str, object]:
    return {
        "organization_id": organization_id,
        "unit_id": unit_id,
        "at": n,
        "outcome": "NotFound",
        "rule": "P1",
        "raw_vin": None,
        "normalized_vin": "",
        "removed": "",
        "candidates": "[]",
    }


def _session(token: str, expires_at: int) -> dict[str, object]:
    return {"token_hash": token.ljust(64, "0"), "role": "admin", "created_at": 0, "expires_at": expires_at}


def test_db_stats_counts_rows_sizes_and_the_oldest_row(
    container: Container, clock: ManualClock, receiver: Receiver
) -> None:
    from pairhub.adapters.sql.stats import table_stats

    org = container.organizations.create("Stats", False, True)
    first = clock.now_ms()
    paired_event(container, org.id, "tp:1", "1HGCM82633A000001")
    clock.advance(60)
    paired_event(container, org.id, "tp:2", "1HGCM82633A000002")

    stats = {table.name: table for table in table_stats(container.database)}

    assert stats["events"].rows == 2
    assert stats["events"].oldest_ms == first
    assert stats["organizations"].rows == 1
    assert stats["events"].bytes is not None and stats["events"].bytes > 0
    assert stats["attempts"].rows == 0 and stats["attempts"].oldest_ms is None


def test_the_db_stats_command_prints_rows_size_and_oldest_row_of_every_table(
    container: Container, clock: ManualClock, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = container.organizations.create("Stats", False, True)
    first = clock.now_ms()
    paired_event(container, org.id, "tp:1", "1HGCM82633A000001")
    clock.advance(3600)
    paired_event(container, org.id, "tp:2", "1HGCM82633A000002")
    monkeypatch.setenv("PAIRHUB_DATABASE_URL", database_url)
    monkeypatch.setenv("PAIRHUB_SECRET_KEY", SECRET_KEY)

    result = CliRunner().invoke(cli, ["db", "stats"])

    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["table", "rows", "size", "oldest", "row"]
    rows = {line.split()[0]: line.split()[1:] for line in lines}
    assert set(rows) == {table.name for table in metadata.sorted_tables} | {"total"}
    assert rows["events"][0] == "2"
    assert re.fullmatch(r"\d+\.\d MiB", " ".join(rows["events"][1:3]))
    assert rows["events"][3] == datetime.fromtimestamp(first / 1000, UTC).isoformat()
    assert rows["organizations"][0] == "1"
    assert rows["attempts"][0] == "0" and rows["attempts"][3] == "-"
    assert re.fullmatch(r"\d+\.\d MiB", " ".join(rows["total"]))


def test_the_job_reads_only_the_old_end_of_a_table(container: Container, clock: ManualClock) -> None:
    org = container.organizations.create("Gaps", False, True)
    pruner = SqlPruner(container.database)
    for n in range(1, 7):
        paired_event(container, org.id, f"tp:{n}", f"1HGCM82633A00000{n}")
        clock.advance(DAY_MS / 1000)
    with container.database.read() as connection:
        seqs = [row[0] for row in connection.execute(select(events.c.seq).order_by(events.c.seq))]
    with container.database.write() as connection:
        connection.execute(events.delete().where(events.c.seq.in_([seqs[1], seqs[4]])))  # gaps
    horizon = clock.now_ms() - 2 * DAY_MS  # the first four events are older

    assert pruner._last_older(events.c.seq, events.c.registered_at, horizon) == seqs[3]
    assert pruner._last_older(events.c.seq, events.c.registered_at, 0) is None
    assert pruner.events(horizon, 500) == 3  # the first, third and fourth; the sixth is newer
    assert count(container, events) == 1
    assert pruner.events(horizon, 500) == 0


def _smaller_batches(container: Container, batch: int) -> None:
    policy = container.retention.policy
    container.retention.policy = type(policy)(**{**policy.__dict__, "batch": batch})


def test_idempotency_keys_go_once_their_day_is_over(
    api: Api, container: Container, clock: ManualClock
) -> None:
    def create(key: str) -> dict[str, str]:
        headers = {**api.admin, "Idempotency-Key": key}
        answer = api.client.post("/v1/organizations", json={"name": f"Org {key}"}, headers=headers)
        assert answer.status_code == 201, answer.text
        return {"replayed": answer.headers.get("idempotent-replayed", ""), "id": answer.json()["id"]}

    for n in range(5):
        create(f"old-{n}")
    clock.advance(12 * 3600)
    recent = create("recent")
    clock.advance(12 * 3600 + 1)  # the old keys are a day and a second old, the recent one half a day
    assert count(container, idempotency_keys) == 6
    before = pruned("idempotency_keys")

    one_batch = SqlPruner(container.database).idempotency_keys(clock.now_ms() - DAY_MS, 2)
    _smaller_batches(container, 2)
    removed = asyncio.run(container.retention.run())

    assert one_batch == 2, "a call deletes one bounded batch"
    assert removed["idempotency_keys"] == 3
    assert pruned("idempotency_keys") == before + 3
    with container.database.read() as connection:
        kept = connection.execute(select(idempotency_keys.c.key)).scalars().all()
    assert kept == ["recent"]
    # The key still within its day answers its first answer again; a pruned one runs afresh.
    assert create("recent") == {"replayed": "true", "id": recent["id"]}
    assert create("old-0")["replayed"] == ""
    assert asyncio.run(container.retention.run()).get("idempotency_keys") is None


def test_expired_invitations_and_reset_links_are_pruned(
    api: Api, container: Container, clock: ManualClock
) -> None:
    org = api.new_org()
    person = api.new_person(org, "viewer", email="used@example.com")  # an invitation accepted
    invitations_url = f"/v1/organizations/{org.id}/invitations"
    unused = api.client.post(
        invitations_url, json={"email": "old@example.com", "role": "viewer"}, headers=api.admin
    )
    reset = api.client.post(
        f"/v1/organizations/{org.id}/members/{person.id}/password-reset", headers=api.admin
    )
    assert (unused.status_code, reset.status_code) == (201, 201)
    clock.advance(6 * DAY_MS / 1000)
    fresh = api.client.post(
        invitations_url, json={"email": "fresh@example.com", "role": "viewer"}, headers=api.admin
    )
    assert fresh.status_code == 201
    clock.advance(DAY_MS / 1000 + 1)  # the first three links are past their 7 days, the fresh one is not
    before = pruned("invitations")

    removed = asyncio.run(container.retention.run())

    assert removed["invitations"] == 3
    assert pruned("invitations") == before + 3
    with container.database.read() as connection:
        kept = connection.execute(select(invitations.c.email)).scalars().all()
    assert kept == ["fresh@example.com"]
    listed = api.client.get(invitations_url, headers=api.admin).json()["data"]
    assert [i["email"] for i in listed] == ["fresh@example.com"]
    token = fresh.json()["url"].rsplit("/", 1)[-1]
    accepted = api.client.post(
        f"/v1/invitations/{token}/accept", json={"name": "Fresh", "password": PASSWORD}
    )
    assert accepted.status_code == 201, accepted.text
