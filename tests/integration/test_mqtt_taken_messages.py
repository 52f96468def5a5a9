"""A message the broker sends again (DUP) after pairhub took it is recognized and not applied again,
and the digests of messages taken stay within their bound."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest
from bench.setup import insert_assets, insert_units, vin_for
from sqlalchemy import func, select

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.mqtt.broker import SubscriberConnection
from pairhub.adapters.sql.tables import mqtt_taken
from pairhub.bootstrap import Container
from pairhub.entrypoints.mqtt import MqttIngest, Subscription
from pairhub.ports import UnitOfWork
from pairhub.ports.broker import Broker as BrokerAddress
from pairhub.services.taken_messages import KEEP, PRUNE_EVERY, TakenMessages, digest_of
from tests.mqtt_support import (
    TOPIC,
    Applications,
    Broker,
    Subscriber,
    publish,
    running_broker,
    unit_topic,
    unknown_unit_messages,
    until,
)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    """A Mosquitto of this test."""
    with running_broker(tmp_path) as running:
        yield running


async def test_a_message_sent_again_with_dup_after_its_commit_is_recognized_and_not_applied_again(
    container: Container, broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    organization = container.organizations.create("Dup Fleet", True, True)
    insert_assets(container.database.engine, organization.id, 3)
    unit_ids = ["tp:910000", "tp:910001", "tp:910002"]
    insert_units(container.database.engine, organization.id, unit_ids)
    applications = Applications(monkeypatch)
    messages = [(unit_topic(unit), {"vin": vin_for(n)}) for n, unit in enumerate(unit_ids)]

    # First life: the messages are committed, but their acknowledgements never leave (as when the
    # process dies between its commit and its PUBACK). The broker keeps them in the session.
    unsent: list[int] = []
    acknowledge = SubscriberConnection.acknowledge
    monkeypatch.setattr(
        SubscriberConnection, "acknowledge", lambda connection, message: unsent.append(message.mid)
    )
    async with Subscriber(container, broker, "pairhub-dup") as first:
        await publish(broker, messages)
        await until(lambda: first.own == len(messages))
    assert applications.per_unit == Counter(unit_ids)
    assert first.duplicates == 0 and len(unsent) == len(messages)

    # Second life, same session: the broker sends the three again with DUP; each is acknowledged and
    # recognized by its digest, and none is applied a second time.
    monkeypatch.setattr(SubscriberConnection, "acknowledge", acknowledge)
    async with Subscriber(container, broker, "pairhub-dup") as second:
        await until(lambda: second.own == len(messages))
    assert applications.per_unit == Counter(unit_ids)
    assert second.duplicates == len(messages)

    # Third life: acknowledged then, nothing comes again.
    async with Subscriber(container, broker, "pairhub-dup") as third:
        await publish(
            broker, [(unit_topic(unit_ids[0]), {"vin": vin_for(0), "timestamp": "2025-05-12T22:20:00Z"})]
        )
        await until(lambda: third.own == 1)
    assert third.duplicates == 0
    assert applications.per_unit == Counter(unit_ids) + Counter([unit_ids[0]])


async def test_a_batch_whose_digests_cannot_be_written_is_not_acknowledged_and_counts_once(
    container: Container, broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A message of a unit not provisioned: each application adds one to the unit's count.
    message = (unit_topic("tp:920000"), {"timestamp": "2025-01-01T00:00:00Z"})
    note = TakenMessages.note

    def failing(taken: TakenMessages, uow: UnitOfWork, digests: Collection[bytes]) -> None:
        note(taken, uow, digests)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(TakenMessages, "note", failing)
    ingest = MqttIngest(container, BrokerAddress.parse(broker.url), Subscription(TOPIC, "pairhub-full"))
    running = asyncio.create_task(ingest.run(asyncio.Event()))
    await until(lambda: ingest.status.connected)
    await publish(broker, [message])
    await until(running.done)
    assert isinstance(running.exception(), RuntimeError)
    assert ingest.own == 0  # nothing acknowledged
    assert unknown_unit_messages(container) == Counter()  # the count went with the digest's transaction

    monkeypatch.setattr(TakenMessages, "note", note)
    async with Subscriber(container, broker, "pairhub-full") as again:
        await until(lambda: again.own == 1)
    assert again.duplicates == 0
    assert unknown_unit_messages(container) == Counter({"tp:920000": 1})


def test_only_the_digests_taken_are_recognized(container: Container) -> None:
    taken = TakenMessages(container.storage, ManualClock())
    first = digest_of(unit_topic("tp:1"), b'{"vin":"WDB9634031L738192"}')
    same_payload_other_unit = digest_of(unit_topic("tp:2"), b'{"vin":"WDB9634031L738192"}')
    taken.remember([first])
    taken.remember([first])  # a digest noted again keeps its one row
    assert taken.taken([first, same_payload_other_unit]) == {first}
    assert taken.taken([]) == set()


def test_the_newest_digests_are_kept_up_to_the_bound(container: Container) -> None:
    clock = ManualClock()
    taken = TakenMessages(container.storage, clock)
    # PRUNE_EVERY batches, one millisecond apart: the oldest batch of 1,000 beyond the bound, then
    # batches whose digests are exactly the newest KEEP. Pruning comes with the last batch.
    sizes = [1000] + [1000] * (PRUNE_EVERY - 2) + [KEEP - 1000 * (PRUNE_EVERY - 2)]
    batches: list[list[bytes]] = []
    number = 0
    for size in sizes:
        batch = [digest_of(unit_topic(f"tp:{number + n}"), b"{}") for n in range(size)]
        number += size
        batches.append(batch)
        taken.remember(batch)
        clock.advance(0.001)

    with container.database.engine.connect() as connection:
        rows = connection.scalar(select(func.count()).select_from(mqtt_taken))
    assert rows == KEEP
    assert taken.taken(batches[0]) == set()
    assert taken.taken(batches[1]) == set(batches[1])
    assert taken.taken(batches[-1]) == set(batches[-1])
